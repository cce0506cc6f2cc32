import type { Digest } from './store-files.js';
import type { AlertWire, AnalysisInfo } from './wire.js';

/**
 * The server's state behind one contract: analyses, their alerts, and the size and sha256 of each
 * stored payload (reports are files in the data or shared directory, trusted only when they match
 * the digest recorded here). Two implementations pass the same suite
 * (test/server/store-contract.test.ts): the embedded one (`EmbeddedStore`, SQLite in the data
 * directory, one process) and the PostgreSQL one (`PostgresStore`, shared by the nodes of a
 * cluster). Every method is asynchronous so either can sit behind it.
 *
 * Errors: an id that is not an analysis id is E_BAD_REQUEST; an alert or digest for an analysis
 * the store does not hold is E_NOT_FOUND; a store that cannot be reached is E_STORE_UNAVAILABLE.
 */
export interface Store {
  readonly kind: 'embedded' | 'postgres';
  /** Inserts or replaces the record of `info.id`. */
  saveInfo(info: AnalysisInfo): Promise<void>;
  get(id: string): Promise<AnalysisInfo | null>;
  /** Newest first (by createdAt), at most `limit`. */
  list(limit?: number): Promise<AnalysisInfo[]>;
  appendAlert(id: string, alert: AlertWire): Promise<void>;
  /** In the order they were appended. */
  alerts(id: string): Promise<AlertWire[]>;
  /** Forgets the alerts of `id` (an analysis restarted from the beginning raises them again). */
  clearAlerts(id: string): Promise<void>;
  setDigest(id: string, name: string, digest: Digest): Promise<void>;
  digest(id: string, name: string): Promise<Digest | null>;
  /** Resolves when the store answers (health checks); rejects with E_STORE_UNAVAILABLE. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What analysis ids look like everywhere (URLs, folder names, job ids). */
export const ANALYSIS_ID = /^[A-Za-z0-9_-]{1,64}$/;
