/**
 * Refactoring guard: the full JSON reports (per-frame results included) of every development clip,
 * written by one build's CLI, compared byte for byte with another build's, apart from wall-clock
 * fields. It talks to the builds only through their `fakescope analyze` command, so an old build
 * (before a restructuring) and a new one are run the same way.
 *
 *   node dist/scripts/snapshot-reports.js record --cli OLD/dist/src/cli/main.js --out .bench/snap-before
 *   node dist/scripts/snapshot-reports.js record --cli dist/src/cli/main.js --out .bench/snap-after
 *   node dist/scripts/snapshot-reports.js compare .bench/snap-before .bench/snap-after
 *
 * `record` analyses the clips of ../shared/media (never copied; written outside the tracked files)
 * with the default configuration and stores each report with its clock fields removed; `compare`
 * exits 1 when any clip's report differs, naming the first differing line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

/** Report fields that measure the machine, not the analysis: they differ between two runs of one build. */
export const CLOCK_FIELDS = new Set(['startedAt', 'finishedAt', 'wallMs', 'framesPerSecond', 'facesMs', 'detectorsMs']);

/** The report as text with its clock fields removed (keys keep their order). */
export function withoutClock(json: string): string {
  return JSON.stringify(JSON.parse(json), (k, v: unknown) => (CLOCK_FIELDS.has(k) ? undefined : v), 1);
}

/** The first line at which two texts differ, or null when they are equal. */
export function firstDifference(a: string, b: string): { line: number; a: string; b: string } | null {
  if (a === b) return null;
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return { line: i + 1, a: la[i] ?? '<end>', b: lb[i] ?? '<end>' };
  }
  return null;
}

function record(cli: string, out: string, media: string): void {
  mkdirSync(out, { recursive: true });
  const clips = readdirSync(media).filter((f) => /\.(mp4|mov|webm|mkv|avi)$/i.test(f)).sort();
  for (const clip of clips) {
    const raw = join(out, `${clip}.raw.json`);
    execFileSync(process.execPath, [cli, 'analyze', join(media, clip), '--out', raw, '--quiet'], { stdio: 'inherit' });
    writeFileSync(join(out, `${clip}.json`), withoutClock(readFileSync(raw, 'utf8')));
    process.stderr.write(`${clip}\n`);
  }
}

function compare(before: string, after: string): number {
  const names = readdirSync(before).filter((f) => f.endsWith('.json') && !f.endsWith('.raw.json')).sort();
  let differ = 0;
  for (const name of names) {
    const other = join(after, name);
    if (!existsSync(other)) {
      console.log(`${name}: missing in ${after}`);
      differ++;
      continue;
    }
    const d = firstDifference(readFileSync(join(before, name), 'utf8'), readFileSync(other, 'utf8'));
    if (d) {
      console.log(`${name}: differs at line ${d.line}\n  - ${d.a.trim()}\n  + ${d.b.trim()}`);
      differ++;
    }
  }
  console.log(`${names.length - differ} of ${names.length} reports identical (clock fields aside)`);
  return differ === 0 ? 0 : 1;
}

function main(): void {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { cli: { type: 'string' }, out: { type: 'string' }, media: { type: 'string', default: join('..', 'shared', 'media') } },
  });
  const [mode, a, b] = positionals;
  if (mode === 'record' && values.cli && values.out) {
    if (!existsSync(values.media)) throw new Error(`${values.media} not found: the development clips live in ../shared/media`);
    record(values.cli, values.out, values.media);
  } else if (mode === 'compare' && a && b) {
    process.exitCode = compare(a, b);
  } else {
    console.error('usage: snapshot-reports record --cli <main.js> --out <dir> [--media <dir>] | compare <before> <after>');
    process.exitCode = 2;
  }
}

if (process.argv[1]?.endsWith('snapshot-reports.js')) main();
