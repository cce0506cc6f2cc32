import { describe, expect, it } from 'vitest';
import { closeSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FfmpegProcess } from '../../src/ingest/ffmpeg-process.js';
import { openFifoPair } from '../../src/ingest/stdout-fifo.js';
import type { StdoutSink } from '../../src/ingest/stdout-sink.js';
import { childPids } from '../helpers/media.js';

function gone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('FfmpegProcess', () => {
  it('reports a missing program as E_FFMPEG_MISSING with an install hint', async () => {
    const proc = FfmpegProcess.start('/nonexistent/ffmpeg', ['-version']);
    const exit = await proc.exited;
    expect(exit.spawnError?.code).toBe('E_FFMPEG_MISSING');
    expect(exit.spawnError?.message).toMatch(/not found: install ffmpeg \(apt-get install ffmpeg\)/);
  });

  it('keeps a bounded tail of stderr, without the lines the owner excludes', async () => {
    const seen: string[] = [];
    const script = 'for i in $(seq 1 100); do echo "line $i" >&2; echo "noise $i" >&2; done';
    const proc = FfmpegProcess.start('sh', ['-c', script], {
      tailLines: 5,
      excludeFromTail: (l) => l.startsWith('noise'),
      onStderrLine: (l) => seen.push(l),
    });
    const exit = await proc.exited;
    expect(exit).toMatchObject({ code: 0, signal: null, killedByOwner: false });
    expect(seen).toHaveLength(200);
    expect(proc.stderrTail()).toEqual(['line 96', 'line 97', 'line 98', 'line 99', 'line 100']);
  });

  it('escalates to SIGKILL when SIGTERM is ignored, and leaves no zombie', async () => {
    const proc = FfmpegProcess.start('sh', ['-c', 'trap "" TERM; echo ready; exec sleep 30'], { killGraceMs: 200 });
    await new Promise((resolve) => proc.stdout.once('data', resolve));
    const pid = proc.pid as number;
    expect(childPids()).toContain(pid);
    const started = Date.now();
    const exit = await proc.kill();
    expect(exit).toMatchObject({ signal: 'SIGKILL', killedByOwner: true });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(gone(pid)).toBe(true);
    expect(childPids()).not.toContain(pid);
  });

  it('kills a process blocked writing to a stdout nobody reads', async () => {
    const proc = FfmpegProcess.start('sh', ['-c', 'exec yes fakescope']);
    proc.stdout.once('data', () => proc.stdout.pause());
    await new Promise((resolve) => setTimeout(resolve, 200)); // pipe is full, `yes` blocks in write()
    const exit = await proc.kill();
    expect(exit.killedByOwner).toBe(true);
    expect(gone(proc.pid as number)).toBe(true);
  });

  it('is idempotent: kill after exit just returns the exit', async () => {
    const proc = FfmpegProcess.start('sh', ['-c', 'exit 3']);
    const exit = await proc.exited;
    expect(await proc.kill()).toBe(exit);
    expect(exit).toMatchObject({ code: 3, killedByOwner: false });
  });

  describe('stdout read in place (stdoutSink)', () => {
    /** A sink handing out 1000-byte buffers; records what landed in them. */
    function recordingSink(): StdoutSink & { text(): string; buffers: Uint8Array[] } {
      const buffers: Uint8Array[] = [];
      let used = 0;
      return {
        buffers,
        target() {
          if (buffers.length === 0 || used === 1000) {
            buffers.push(new Uint8Array(1000));
            used = 0;
          }
          return (buffers.at(-1) as Uint8Array).subarray(used);
        },
        wrote(n) {
          used += n;
        },
        text() {
          const last = buffers.length - 1;
          return buffers.map((b, i) => Buffer.from(i === last ? b.subarray(0, used) : b).toString('latin1')).join('');
        },
      };
    }
    const openFds = () => readdirSync('/proc/self/fd').length;

    it.runIf(process.platform === 'linux').each([true, false])('delivers every byte, in order, into the sink\'s own buffers before `exited` resolves (in place: %s)', async (readInPlace) => {
      const sink = recordingSink();
      const fds = openFds();
      const proc = FfmpegProcess.start('sh', ['-c', 'seq 1 20000'], { stdoutSink: sink, readInPlace });
      const exit = await proc.exited;
      expect(exit).toMatchObject({ code: 0, killedByOwner: false });
      const expected = `${Array.from({ length: 20000 }, (_, i) => i + 1).join('\n')}\n`;
      expect(sink.text()).toBe(expected);
      expect(sink.buffers.length).toBe(Math.ceil(expected.length / 1000));
      await new Promise((resolve) => setImmediate(resolve));
      expect(openFds()).toBe(fds); // both ends of the pipe closed
    });

    it.runIf(process.platform === 'linux')('pauses reads (the writer blocks) and still kills cleanly', async () => {
      const sink = recordingSink();
      const proc = FfmpegProcess.start('sh', ['-c', 'exec yes fakescope'], { stdoutSink: sink });
      proc.stdout.pause();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const exit = await proc.kill();
      expect(exit.killedByOwner).toBe(true);
      expect(gone(proc.pid as number)).toBe(true);
    });

    it('reports a missing program as E_FFMPEG_MISSING and closes the pipe', async () => {
      const fds = process.platform === 'linux' ? openFds() : 0;
      const proc = FfmpegProcess.start('/nonexistent/ffmpeg', ['-version'], { stdoutSink: recordingSink() });
      const exit = await proc.exited;
      expect(exit.spawnError?.code).toBe('E_FFMPEG_MISSING');
      await new Promise((resolve) => setTimeout(resolve, 20));
      if (process.platform === 'linux') expect(openFds()).toBe(fds);
    });

    it.runIf(process.platform === 'linux')('makes its FIFO without leaving anything in the temporary directory', () => {
      const before = readdirSync(tmpdir()).filter((n) => n.startsWith('fakescope-ff-')).length;
      const pair = openFifoPair();
      expect(pair).not.toBeNull();
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('fakescope-ff-')).length).toBe(before);
      const { readFd, writeFd } = pair as { readFd: number; writeFd: number };
      expect(readFd).not.toBe(writeFd);
      for (const fd of [readFd, writeFd]) closeSync(fd);
    });
  });
});
