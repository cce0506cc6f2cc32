import { describe, expect, it } from 'vitest';
import { FfmpegProcess } from '../../src/ingest/ffmpeg-process.js';
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
});
