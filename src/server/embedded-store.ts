import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database as Db } from 'better-sqlite3';
import { FakescopeError } from '../errors.js';
import { openDatabase } from './db.js';
import { refuseNewerSchema } from './store-schema.js';
import { parseInfo } from './store.js';
import type { Store } from './store-contract.js';
import { ANALYSIS_ID } from './store-contract.js';
import type { Digest } from './store-files.js';
import { onDisk } from './store-files.js';
import type { AlertWire, AnalysisInfo } from './wire.js';

/**
 * The embedded implementation of the Store contract: the same SQLite database (`db.ts`,
 * `dataDir/fakescope.db`, same schema and migrations) the single-process server's AnalysisStore
 * writes, behind the asynchronous contract. A record that is not a valid AnalysisInfo reads as
 * absent (AnalysisStore quarantines it on the next start).
 */
export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  private readonly db: Db;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    try {
      this.db = openDatabase(join(dataDir, 'fakescope.db'));
    } catch (e) {
      throw refuseNewerSchema(e, join(dataDir, 'fakescope.db'));
    }
  }

  async saveInfo(info: AnalysisInfo): Promise<void> {
    checkId(info.id);
    onDisk(`analysis ${info.id}`, () =>
      this.db
        .prepare('INSERT INTO analyses (id, created_at, info) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET info = excluded.info')
        .run(info.id, info.createdAt, JSON.stringify(info)),
    );
  }

  async get(id: string): Promise<AnalysisInfo | null> {
    checkId(id);
    const row = this.db.prepare('SELECT info FROM analyses WHERE id = ?').get(id) as { info: string } | undefined;
    return row ? valid(row.info, id) : null;
  }

  async list(limit = 1000): Promise<AnalysisInfo[]> {
    const rows = this.db.prepare('SELECT id, info FROM analyses ORDER BY created_at DESC, id DESC LIMIT ?').all(limit) as { id: string; info: string }[];
    return rows.flatMap((r) => valid(r.info, r.id) ?? []);
  }

  async appendAlert(id: string, alert: AlertWire): Promise<void> {
    this.requireAnalysis(id);
    onDisk(`alerts of ${id}`, () => this.db.prepare('INSERT INTO alerts (analysis_id, alert) VALUES (?, ?)').run(id, JSON.stringify(alert)));
  }

  async alerts(id: string): Promise<AlertWire[]> {
    checkId(id);
    const rows = this.db.prepare('SELECT alert FROM alerts WHERE analysis_id = ? ORDER BY n').all(id) as { alert: string }[];
    return rows.map((r) => JSON.parse(r.alert) as AlertWire);
  }

  async clearAlerts(id: string): Promise<void> {
    checkId(id);
    this.db.prepare('DELETE FROM alerts WHERE analysis_id = ?').run(id);
  }

  async setDigest(id: string, name: string, d: Digest): Promise<void> {
    this.requireAnalysis(id);
    onDisk(`the digest of ${id}/${name}`, () =>
      this.db
        .prepare('INSERT INTO payloads (analysis_id, name, size, sha256) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET size = excluded.size, sha256 = excluded.sha256')
        .run(id, name, d.size, d.sha256),
    );
  }

  async digest(id: string, name: string): Promise<Digest | null> {
    checkId(id);
    return (this.db.prepare('SELECT size, sha256 FROM payloads WHERE analysis_id = ? AND name = ?').get(id, name) as Digest | undefined) ?? null;
  }

  async ping(): Promise<void> {
    if (!this.db.open) throw new FakescopeError('E_STORE_UNAVAILABLE', 'the embedded database is closed');
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private requireAnalysis(id: string): void {
    checkId(id);
    if (this.db.prepare('SELECT 1 FROM analyses WHERE id = ?').get(id) === undefined) throw new FakescopeError('E_NOT_FOUND', `no analysis ${id}`);
  }
}

export function checkId(id: string): void {
  if (!ANALYSIS_ID.test(id)) throw new FakescopeError('E_BAD_REQUEST', `"${id.slice(0, 80)}" is not an analysis id`);
}

/** The stored text as an AnalysisInfo of `id`, or null when it is not one. */
export function valid(text: string, id: string): AnalysisInfo | null {
  try {
    return parseInfo(text, id);
  } catch {
    return null;
  }
}
