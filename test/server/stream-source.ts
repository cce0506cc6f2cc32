import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect, createServer as createNetServer } from 'node:net';

/**
 * A live MPEG-TS source on 127.0.0.1: each GET starts `ffmpeg -re` on a generated pattern and
 * streams its output as it is encoded (a growing stream with no end until `seconds` pass), like a
 * camera or an HTTP live feed. `startedAt` records when each request's ffmpeg started, so tests
 * can compare arrival times with presentation times.
 */
export async function liveStreamSource(opts: { width: number; height: number; fps: number; seconds: number; format?: 'mpegts' | 'matroska' }) {
  const children = new Set<ChildProcess>();
  const startedAt: number[] = [];
  const server = createServer((req, res) => {
    const ff = spawn('ffmpeg', [
      '-v', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
      '-t', String(opts.seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(opts.fps),
      '-pix_fmt', 'yuv420p', ...(opts.format === 'matroska' ? ['-f', 'matroska', '-live', '1'] : ['-f', 'mpegts']), 'pipe:1',
    ]);
    children.add(ff);
    startedAt.push(performance.now());
    res.writeHead(200, { 'content-type': 'video/mp2t' });
    ff.stdout.pipe(res);
    const stop = () => {
      ff.kill('SIGKILL');
      children.delete(ff);
    };
    res.on('close', stop);
    ff.on('exit', () => children.delete(ff));
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/live.${opts.format === 'matroska' ? 'mkv' : 'ts'}`,
    startedAt,
    close: async () => {
      for (const c of children) c.kill('SIGKILL');
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * A live RTMP source on 127.0.0.1, like an RTMP server fanning one camera out to every player:
 * each connection gets its own `ffmpeg -re … -f flv -listen 1` publisher on an internal port, and
 * the bytes are piped through (ffmpeg's RTMP listener serves a single client, and the analyzer
 * connects twice: once to probe, once to decode). `startedAt` records when each publisher started.
 */
export async function rtmpStreamSource(opts: { width: number; height: number; fps: number; seconds: number }) {
  const children = new Set<ChildProcess>();
  const sockets = new Set<Socket>();
  const startedAt: number[] = [];
  const server = createNetServer((client) => {
    sockets.add(client);
    client.pause();
    void (async () => {
      const port = await freePort();
      const ff = spawn('ffmpeg', [
        '-v', 'error', '-re', '-f', 'lavfi', '-i', `testsrc2=size=${opts.width}x${opts.height}:rate=${opts.fps}`,
        '-t', String(opts.seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', String(opts.fps),
        '-pix_fmt', 'yuv420p', '-f', 'flv', '-listen', '1', `rtmp://127.0.0.1:${port}/live/stream`,
      ]);
      children.add(ff);
      ff.on('exit', () => children.delete(ff));
      startedAt.push(performance.now());
      const upstream = await connectWhenListening(port, 5000);
      if (!upstream) {
        client.destroy();
        return;
      }
      sockets.add(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      const stop = () => {
        upstream.destroy();
        client.destroy();
        ff.kill('SIGKILL');
      };
      client.on('close', stop);
      upstream.on('close', stop);
      client.on('error', stop);
      upstream.on('error', stop);
    })();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `rtmp://127.0.0.1:${(server.address() as AddressInfo).port}/live/stream`,
    startedAt,
    close: async () => {
      for (const c of children) c.kill('SIGKILL');
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function connectWhenListening(port: number, timeoutMs: number): Promise<Socket | null> {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const sock = await new Promise<Socket | null>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(null));
    });
    if (sock) return sock;
    await new Promise((r) => setTimeout(r, 20));
  }
  return null;
}
