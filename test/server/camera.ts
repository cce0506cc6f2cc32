import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A live Matroska-over-HTTP camera on 127.0.0.1 (ffmpeg's test pattern at 25 fps) that a test can
 * take down (every connection cut, new ones answered 503) and bring back.
 */
export function camera() {
  let down = false;
  const live = new Set<{ ff: ChildProcess; res: ServerResponse }>();
  const server = createServer((req, res) => {
    req.resume();
    if (down) {
      res.writeHead(503).end();
      return;
    }
    const ff = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25', '-t', '120', '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '25', '-pix_fmt', 'yuv420p', '-f', 'matroska', '-live', '1', 'pipe:1']);
    const entry = { ff, res };
    live.add(entry);
    res.writeHead(200, { 'content-type': 'video/x-matroska' });
    ff.stdout.pipe(res);
    res.on('close', () => {
      ff.kill('SIGKILL');
      live.delete(entry);
    });
  });
  const listening = new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    listening,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/cam.mkv`,
    drop: () => {
      down = true;
      for (const e of live) e.res.destroy();
    },
    restore: () => {
      down = false;
    },
    close: async () => {
      for (const e of live) e.res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
