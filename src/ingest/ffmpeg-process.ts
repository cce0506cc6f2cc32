import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { ConnectOpts, OnReadOpts, SocketConstructorOpts } from 'node:net';
import { Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { FakescopeError } from '../errors.js';
import { openFifoPair } from './stdout-fifo.js';
import type { StdoutSink } from './stdout-sink.js';
import { copyIntoSink } from './stdout-sink.js';

/**
 * One ffmpeg/ffprobe child with exactly one owner. The owner reads stdout; stderr is always drained
 * (a full stderr pipe would stall ffmpeg), split into lines for the owner and kept as a bounded
 * tail for error messages. `kill()` closes our end of stdout (ffmpeg blocked writing a full pipe
 * then fails its write instead of waiting) and sends SIGTERM, then SIGKILL after a grace period.
 * `exited` resolves once the process is gone and reaped and its pipes are closed, so after it no
 * zombie and no pid remain.
 *
 * With a `stdoutSink`, stdout is read in place: each read lands in the buffer the sink hands out
 * (`target()`) and is reported with `wrote(n)`; no 'data' events are emitted. Where the in-place
 * pipe cannot be made (stdout-fifo.ts), chunks are copied into the sink the same way. `stdout`
 * still pauses and resumes the reads.
 */

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** True when `kill()` ended it: the owner asked, so it is not a failure. */
  readonly killedByOwner: boolean;
  /** Set when the program could not be started at all. */
  readonly spawnError?: FakescopeError;
}

/** How the owner listens to stderr and how patiently it kills. */
export interface FfmpegProcessOptions {
  /** Gets every stderr line, including those kept out of the tail. */
  readonly onStderrLine?: (line: string) => void;
  /** Lines for which this is true are not kept in the tail (e.g. per-frame showinfo lines). */
  readonly excludeFromTail?: (line: string) => boolean;
  /** Lines kept for error messages (default 64). */
  readonly tailLines?: number;
  /** SIGTERM -> SIGKILL grace (default 2000 ms). */
  readonly killGraceMs?: number;
  /** Added to (and overriding) the parent's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Where stdout's bytes go, in place (see the top of this file). */
  readonly stdoutSink?: StdoutSink;
  /** false: a plain pipe whose chunks are copied into the sink, as where no FIFO can be made (default true). */
  readonly readInPlace?: boolean;
}

const MAX_LINE = 400;

/** The owned child; see the top of this file for the kill and reaping guarantees. */
export class FfmpegProcess {
  readonly stdout: Readable;
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private killedByOwner = false;
  private done = false;

  private constructor(
    private readonly program: string,
    args: readonly string[],
    private readonly opts: FfmpegProcessOptions,
  ) {
    const sink = opts.stdoutSink;
    const fifo = sink && opts.readInPlace !== false ? openFifoPair() : null;
    try {
      this.child = spawn(program, args, {
        stdio: ['ignore', fifo ? fifo.writeFd : 'pipe', 'pipe'],
        windowsHide: true,
        ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
      });
    } catch (e) {
      if (fifo) closeSync(fifo.readFd);
      throw e;
    } finally {
      if (fifo) closeSync(fifo.writeFd); // the child holds its own copy: EOF when it exits
    }
    const stderr = this.child.stderr;
    const stdout = fifo && sink ? inPlaceReader(fifo.readFd, sink) : this.child.stdout;
    if (!stdout || !stderr) throw new Error('spawn without pipes');
    if (sink && !fifo) stdout.on('data', (chunk: Buffer) => copyIntoSink(sink, chunk));
    this.stdout = stdout;
    // The child's 'close' waits for its own pipes only; an in-place stdout is ours to wait for,
    // or the last frames could still be in the pipe when `exited` resolves.
    const stdoutDone = fifo ? new Promise<void>((resolve) => stdout.once('close', () => resolve())) : Promise.resolve();
    this.exited = new Promise<ProcessExit>((resolve) => {
      this.child.on('error', (err: NodeJS.ErrnoException) => {
        if (this.child.pid !== undefined) return; // a later kill error; 'close' still follows
        this.done = true;
        stdout.destroy();
        resolve({ code: null, signal: null, killedByOwner: false, spawnError: spawnFailure(program, err) });
      });
      this.child.once('close', (code, signal) => {
        void stdoutDone.then(() => {
          this.done = true;
          resolve({ code, signal, killedByOwner: this.killedByOwner });
        });
      });
    });
    stdout.on('error', () => undefined); // EPIPE/destroy after kill is expected
    const lines = createInterface({ input: stderr, crlfDelay: Infinity });
    lines.on('line', (line) => this.onLine(line));
  }

  /** Starts `program args`; a missing program shows up as `exited.spawnError`, never a throw. */
  static start(program: string, args: readonly string[], opts: FfmpegProcessOptions = {}): FfmpegProcess {
    return new FfmpegProcess(program, args, opts);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last stderr lines (oldest first), for error messages. */
  stderrTail(): readonly string[] {
    return this.tail;
  }

  /** Ends the process (idempotent); resolves when it is gone. */
  kill(): Promise<ProcessExit> {
    if (this.done || this.child.pid === undefined) return this.exited;
    this.killedByOwner = true;
    this.stdout.destroy();
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (!this.done) this.child.kill('SIGKILL');
    }, this.opts.killGraceMs ?? 2000);
    timer.unref();
    void this.exited.then(() => clearTimeout(timer));
    return this.exited;
  }

  private onLine(line: string): void {
    this.opts.onStderrLine?.(line);
    if (this.opts.excludeFromTail?.(line)) return;
    this.tail.push(line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line);
    if (this.tail.length > (this.opts.tailLines ?? 64)) this.tail.shift();
  }
}

/**
 * A socket on the pipe's read end whose reads land in the sink's buffers. `onread` is a documented
 * option of `new net.Socket()` (Node ≥ 15); @types/node lists it only for connect().
 */
function inPlaceReader(fd: number, sink: StdoutSink): Socket {
  const onread: OnReadOpts = {
    buffer: () => sink.target(),
    callback: (n) => {
      sink.wrote(n);
      return true;
    },
  };
  return new Socket({ fd, readable: true, writable: false, onread } as SocketConstructorOpts & ConnectOpts);
}

function spawnFailure(program: string, err: NodeJS.ErrnoException): FakescopeError {
  const what = err.code === 'ENOENT' ? 'not found' : `cannot be started (${err.code ?? err.message})`;
  return new FakescopeError(
    'E_FFMPEG_MISSING',
    `${program} ${what}: install ffmpeg (apt-get install ffmpeg) or set ffmpegPath/ffprobePath`,
    { cause: err },
  );
}
