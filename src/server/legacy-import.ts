import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../errors.js';
import type { Digest } from './store-files.js';
import { digestOf, readNdjson } from './store-files.js';
import type { AlertWire, AnalysisInfo } from './wire.js';

/**
 * What a plain-files `fakescope-data` folder (before the database) holds for one analysis, read
 * for import: its `info.json` (validated by `parse`), its alerts, and the digest of a final report
 * that parses as JSON (a truncated one gets no digest, so it is caught when read). Pure apart from
 * reading files.
 */
export interface LegacyRecord {
  readonly info: AnalysisInfo;
  readonly alerts: AlertWire[];
  readonly report: Digest | null;
}

export type LegacyScan = { readonly name: string; readonly record: LegacyRecord } | { readonly name: string; readonly error: string };

/** Folders under `analysesDir` with an `info.json` whose id is not in `known`. */
export function scanLegacy(analysesDir: string, known: (id: string) => boolean, parse: (text: string, id: string) => AnalysisInfo): LegacyScan[] {
  const out: LegacyScan[] = [];
  for (const name of readdirSync(analysesDir)) {
    const dir = join(analysesDir, name);
    const infoPath = join(dir, 'info.json');
    if (!existsSync(infoPath) || known(name)) continue;
    try {
      const info = parse(readFileSync(infoPath, 'utf8'), name);
      const reportPath = join(dir, 'report.json');
      let report: Digest | null = null;
      if (existsSync(reportPath)) {
        const text = readFileSync(reportPath);
        try {
          JSON.parse(text.toString('utf8'));
          report = digestOf(text);
        } catch {
          report = null;
        }
      }
      out.push({ name, record: { info, alerts: readNdjson<AlertWire>(join(dir, 'alerts.ndjson')), report } });
    } catch (e) {
      out.push({ name, error: `info.json: ${describeError(e)}` });
    }
  }
  return out;
}
