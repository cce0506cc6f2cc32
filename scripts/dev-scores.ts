/**
 * Per-clip scores of every configured detector on a media folder with a manifest.tsv:
 * p(fake) ± std, epistemic and aleatoric uncertainty, face-frames answered, and the fused
 * verdict — real and fake clips side by side. Writes a markdown table.
 *
 *   node dist/scripts/dev-scores.js --media ../shared/media --config cfg.json --out docs/dev-scores.md
 *
 * The clips are development data: this table finds bugs and shows behaviour; no threshold is
 * fitted on it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { builtinRegistry } from '../src/detectors/builtin.js';
import type { UncertaintyStats } from '../src/core/uncertainty.js';

const { values } = parseArgs({
  options: {
    media: { type: 'string', default: '../shared/media' },
    config: { type: 'string' },
    out: { type: 'string', default: 'docs/dev-scores.md' },
  },
});

const fmt = (u: UncertaintyStats | null) => (u ? `${u.mean.toFixed(2)} ± ${u.std.toFixed(2)} (ep ${u.epistemic.toFixed(3)}, al ${u.aleatoric.toFixed(2)})` : '—');

async function main(): Promise<void> {
  const config = loadConfig({ file: values.config });
  const app = buildApp(config, builtinRegistry());
  await app.start();
  const rows = readFileSync(join(values.media as string, 'manifest.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
  rows.sort((a, b) => (a[1] as string).localeCompare(b[1] as string) * -1 || (a[0] as string).localeCompare(b[0] as string));
  let header: string[] | null = null;
  const lines: string[] = [];
  for (const [file, label, method] of rows) {
    const analysis = await app.analyze(join(values.media as string, file as string), { keepFrames: false });
    await lastValueFrom(analysis.results, { defaultValue: null });
    const r = await analysis.report;
    if (!header) {
      header = ['clip', 'label', 'method', ...Object.keys(r.detectors).map((d) => `${d} p(fake)`), 'fused', 'verdict'];
      lines.push(`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`);
    }
    const cells = Object.values(r.detectors).map((d) => `${fmt(d.uncertainty)} n=${d.okFrames}/${d.okFrames + d.insufficientFrames}`);
    lines.push(`| ${file} | ${label} | ${method} | ${cells.join(' | ')} | ${fmt(r.summary.uncertainty)} | ${r.summary.verdict} |`);
    process.stdout.write(`${lines[lines.length - 1]}\n`);
  }
  await app.stop();
  const policy = config.verdict;
  writeFileSync(
    values.out as string,
    [
      `Detectors: ${config.detectors.map((d) => JSON.stringify(d)).join(', ')}; verdict policy ${JSON.stringify(policy)}.`,
      'Cells: p(fake) mean ± std over the pooled Monte Carlo samples (ep = epistemic, al = aleatoric, nats), n = face-frames answered / analysed.',
      '',
      ...lines,
      '',
    ].join('\n'),
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`dev-scores: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
