import pg from 'pg';
import { FakescopeError, describeError, isFakescopeError } from '../../errors.js';
import { checkId, valid } from '../embedded-store.js';
import type { Store } from '../store-contract.js';
import type { Digest } from '../store-files.js';
import type { AlertWire, AnalysisInfo } from '../wire.js';
import { redactUrl } from './redis-url.js';
import { isSchemaTooNew, refuseNewerSchema } from '../store-schema.js';
import { migratePg } from './pg-migrations.js';

/**
 * The PostgreSQL implementation of the Store contract, shared by every node of a cluster. A pool
 * of connections (`pg.Pool`) that reconnects by itself: a query made while the database is gone
 * fails with E_STORE_UNAVAILABLE, the next one after it is back succeeds. Records are JSONB,
 * checked against AnalysisInfo when read (an invalid one reads as absent).
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly display: string;

  private constructor(url: string, opts: { max?: number; timeoutMs?: number }) {
    this.display = redactUrl(url);
    this.pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 10,
      connectionTimeoutMillis: opts.timeoutMs ?? 3000,
      query_timeout: opts.timeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that breaks (database restarted) must not crash the process.
    this.pool.on('error', () => undefined);
  }

  /** Connects and migrates; E_STORE_UNAVAILABLE when the database cannot be reached. */
  static async open(url: string, opts: { max?: number; timeoutMs?: number } = {}): Promise<PostgresStore> {
    const store = new PostgresStore(url, opts);
    try {
      const client = await store.pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
    } catch (e) {
      await store.pool.end().catch(() => undefined);
      throw isSchemaTooNew(e) ? refuseNewerSchema(e, store.display) : store.unavailable(e);
    }
    return store;
  }

  async saveInfo(info: AnalysisInfo): Promise<void> {
    checkId(info.id);
    await this.q('INSERT INTO analyses (id, created_at, info) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET info = excluded.info', [info.id, info.createdAt, JSON.stringify(info)]);
  }

  async get(id: string): Promise<AnalysisInfo | null> {
    checkId(id);
    const rows = await this.q<{ info: string }>('SELECT info::text AS info FROM analyses WHERE id = $1', [id]);
    return rows[0] ? valid(rows[0].info, id) : null;
  }

  async list(limit = 1000): Promise<AnalysisInfo[]> {
    const rows = await this.q<{ id: string; info: string }>('SELECT id, info::text AS info FROM analyses ORDER BY created_at DESC, id DESC LIMIT $1', [limit]);
    return rows.flatMap((r) => valid(r.info, r.id) ?? []);
  }

  async appendAlert(id: string, alert: AlertWire): Promise<void> {
    checkId(id);
    await this.q('INSERT INTO alerts (analysis_id, alert) VALUES ($1, $2)', [id, JSON.stringify(alert)], id);
  }

  async alerts(id: string): Promise<AlertWire[]> {
    checkId(id);
    const rows = await this.q<{ alert: AlertWire }>('SELECT alert FROM alerts WHERE analysis_id = $1 ORDER BY n', [id]);
    return rows.map((r) => r.alert);
  }

  async clearAlerts(id: string): Promise<void> {
    checkId(id);
    await this.q('DELETE FROM alerts WHERE analysis_id = $1', [id]);
  }

  async setDigest(id: string, name: string, d: Digest): Promise<void> {
    checkId(id);
    await this.q(
      'INSERT INTO payloads (analysis_id, name, size, sha256) VALUES ($1, $2, $3, $4) ON CONFLICT (analysis_id, name) DO UPDATE SET size = excluded.size, sha256 = excluded.sha256',
      [id, name, d.size, d.sha256],
      id,
    );
  }

  async digest(id: string, name: string): Promise<Digest | null> {
    checkId(id);
    const rows = await this.q<{ size: string; sha256: string }>('SELECT size, sha256 FROM payloads WHERE analysis_id = $1 AND name = $2', [id, name]);
    return rows[0] ? { size: Number(rows[0].size), sha256: rows[0].sha256 } : null;
  }

  async ping(): Promise<void> {
    await this.q('SELECT 1', []);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  /** One query; a missing analysis (foreign key) is E_NOT_FOUND, a lost connection E_STORE_UNAVAILABLE. */
  private async q<R extends pg.QueryResultRow>(text: string, values: unknown[], analysisId?: string): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (e) {
      if ((e as { code?: string }).code === '23503' && analysisId !== undefined) throw new FakescopeError('E_NOT_FOUND', `no analysis ${analysisId}`);
      throw this.unavailable(e);
    }
  }

  private unavailable(e: unknown): unknown {
    if (isFakescopeError(e)) return e;
    // SQL errors (a bug, not an outage) have a SQLSTATE code of 5 characters; connection errors do not.
    const code = (e as { code?: string }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57')) return e;
    return new FakescopeError('E_STORE_UNAVAILABLE', `PostgreSQL at ${this.display} cannot be reached (${describeError(e) || 'connection failed'})`, { cause: e });
  }
}
