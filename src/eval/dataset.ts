import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { FakescopeError } from '../errors.js';
import type { EvalItem } from './types.js';

/**
 * A labelled video set for `fakescope eval` / `fakescope calibrate`: a folder with a
 * `manifest.tsv` (tab-separated, header `file label method [clip] …`: file relative to the folder,
 * label real|fake, method '-' for real videos else the generator or method name; rows with other
 * labels are left out and listed in `skipped`), or, without a
 * manifest, a folder laid out as `real/**` and `fake/<method>/**`.
 */
export interface Dataset {
  readonly root: string;
  readonly items: readonly EvalItem[];
  /** Manifest rows with a label other than real/fake (e.g. "real-filtered"): left out, listed. */
  readonly skipped: readonly { readonly file: string; readonly label: string }[];
  /** SHA-256 of the item list (file, label, method): names the set in fitted artefacts. */
  readonly sha256: string;
}

/** Videos and still images (photos are analysed as still images, see src/ingest/media-checks.ts). */
const VIDEO = /\.(mp4|mkv|mov|webm|avi|m4v|ts|flv|jpe?g|png|webp)$/i;

export function loadDataset(root: string): Dataset {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new FakescopeError('E_USAGE', `dataset folder not found: ${root}`);
  const manifest = join(root, 'manifest.tsv');
  const skipped: { file: string; label: string }[] = [];
  const items = existsSync(manifest) ? fromManifest(manifest, skipped) : fromLayout(root);
  if (items.length === 0) throw new FakescopeError('E_USAGE', `no labelled videos in ${root} (manifest.tsv, or real/ and fake/<method>/ folders)`);
  const missing = items.filter((i) => !existsSync(join(root, i.file)));
  if (missing.length > 0) {
    throw new FakescopeError('E_USAGE', `${missing.length} dataset file(s) missing in ${root}, e.g. ${missing.slice(0, 3).map((m) => m.file).join(', ')}`);
  }
  const sha256 = createHash('sha256')
    .update(items.map((i) => `${i.file}\t${i.label}\t${i.method}`).join('\n'))
    .digest('hex');
  return { root, items, skipped, sha256 };
}

function fromManifest(path: string, skipped: { file: string; label: string }[]): EvalItem[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t').map((h) => h.trim());
  const col = (name: string) => header.indexOf(name);
  if (col('file') < 0 || col('label') < 0) throw new FakescopeError('E_USAGE', `${path}: header must name at least "file" and "label" columns`);
  return lines.flatMap((line, n) => {
    const cells = line.split('\t');
    const get = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '').trim() : '');
    const label = get('label');
    if (!get('file') || !label) throw new FakescopeError('E_USAGE', `${path}:${n + 2}: needs a file and a label`);
    if (label !== 'real' && label !== 'fake') {
      skipped.push({ file: get('file'), label });
      return [];
    }
    const method = get('method') || (label === 'real' ? '-' : 'unknown');
    const clip = get('clip');
    return [{ file: get('file'), label, method: label === 'real' ? '-' : method, ...(clip ? { clip } : {}) }];
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : VIDEO.test(e.name) ? [join(dir, e.name)] : []));
}

function fromLayout(root: string): EvalItem[] {
  const items: EvalItem[] = [];
  if (existsSync(join(root, 'real'))) for (const f of walk(join(root, 'real'))) items.push({ file: relative(root, f), label: 'real', method: '-' });
  if (existsSync(join(root, 'fake'))) {
    for (const e of readdirSync(join(root, 'fake'), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(root, 'fake', e.name);
      const files = e.isDirectory() ? walk(p) : VIDEO.test(e.name) ? [p] : [];
      for (const f of files) items.push({ file: relative(root, f), label: 'fake', method: e.isDirectory() ? e.name : 'unknown' });
    }
  }
  return items;
}
