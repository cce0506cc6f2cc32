import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

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
