import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/eval/dataset.js';

let dir: string;
const touch = (p: string) => {
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, '');
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fakescope-ds-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadDataset', () => {
  it('reads a manifest (extra columns ignored, real method forced to "-") and names it by a hash', () => {
    const root = join(dir, 'm');
    touch(join(root, 'a.mp4'));
    touch(join(root, 'f', 'b.mp4'));
    writeFileSync(join(root, 'manifest.tsv'), 'file\tlabel\tmethod\tclip\tnotes\na.mp4\treal\tx\tc1\tn\nf/b.mp4\tfake\tswap\tc1\t\nc.mp4\treal-filtered\tar\t\t\n');
    const ds = loadDataset(root);
    expect(ds.skipped).toEqual([{ file: 'c.mp4', label: 'real-filtered' }]);
    expect(ds.items).toEqual([
      { file: 'a.mp4', label: 'real', method: '-', clip: 'c1' },
      { file: 'f/b.mp4', label: 'fake', method: 'swap', clip: 'c1' },
    ]);
    expect(ds.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loadDataset(root).sha256).toBe(ds.sha256);
  });

  it('reads a real/ and fake/<method>/ layout', () => {
    const root = join(dir, 'l');
    touch(join(root, 'real', 'x.mp4'));
    touch(join(root, 'real', 'notes.txt'));
    touch(join(root, 'fake', 'swap', 'y.mkv'));
    touch(join(root, 'fake', 'z.mp4'));
    touch(join(root, 'real', 'photo.jpg'));
    touch(join(root, 'fake', 'swap', 'still.webp'));
    const ds = loadDataset(root);
    expect(ds.items).toEqual([
      { file: 'real/photo.jpg', label: 'real', method: '-' },
      { file: 'real/x.mp4', label: 'real', method: '-' },
      { file: 'fake/swap/still.webp', label: 'fake', method: 'swap' },
      { file: 'fake/swap/y.mkv', label: 'fake', method: 'swap' },
      { file: 'fake/z.mp4', label: 'fake', method: 'unknown' },
    ]);
  });

  it('gives clear errors for a missing folder, bad labels, missing files and an empty set', () => {
    expect(() => loadDataset(join(dir, 'nope'))).toThrow(/not found/);
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'manifest.tsv'), 'file\tlabel\na.mp4\t\n');
    expect(() => loadDataset(bad)).toThrow(/manifest.tsv:2: needs a file and a label/);
    writeFileSync(join(bad, 'manifest.tsv'), 'file\tlabel\na.mp4\tmaybe\n');
    expect(() => loadDataset(bad)).toThrow(/no labelled videos/);
    writeFileSync(join(bad, 'manifest.tsv'), 'file\tlabel\na.mp4\treal\n');
    expect(() => loadDataset(bad)).toThrow(/1 dataset file\(s\) missing/);
    writeFileSync(join(bad, 'manifest.tsv'), 'name\tkind\n');
    expect(() => loadDataset(bad)).toThrow(/header/);
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    expect(() => loadDataset(empty)).toThrow(/no labelled videos/);
  });
});
