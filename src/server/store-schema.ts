import { FakescopeError, describeError } from '../errors.js';

/**
 * What the two databases behind the Store contract share (the embedded SQLite one, db.ts, and
 * PostgreSQL, cluster/pg-migrations.ts): the tables of schema version 1 and the rule that a
 * database at a version this code does not know is refused, never written.
 */

/** The column types of one SQL dialect. */
export interface SqlDialect {
  /** A JSON document. */
  readonly json: string;
  /** An auto-incrementing primary key. */
  readonly serialKey: string;
  /** A byte count. */
  readonly bigInt: string;
}

/**
 * The analyses, alerts and payloads tables of schema version 1 (`extraAfterAnalyses`: the
 * dialect's own statements right after the analyses table). A released version: never edit it,
 * append a migration step instead.
 */
export function storeTablesV1(d: SqlDialect, extraAfterAnalyses = ''): string {
  return `CREATE TABLE analyses (
     id TEXT PRIMARY KEY,
     created_at TEXT NOT NULL,
     info ${d.json} NOT NULL
   );${extraAfterAnalyses}
   CREATE TABLE alerts (
     n ${d.serialKey},
     analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
     alert ${d.json} NOT NULL
   );
   CREATE INDEX alerts_by_analysis ON alerts (analysis_id, n);
   CREATE TABLE payloads (
     analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
     name TEXT NOT NULL,
     size ${d.bigInt} NOT NULL,
     sha256 TEXT NOT NULL,
     PRIMARY KEY (analysis_id, name)
   );`;
}

class SchemaTooNew extends Error {}

/** Throws when a database is at a newer schema version than the `known` one. */
export function checkSchemaVersion(found: number, known: number): void {
  if (found > known) throw new SchemaTooNew(`the database is at schema version ${found}; this fakescope knows up to ${known}`);
}

/** Whether `e` is `checkSchemaVersion`'s refusal. */
export function isSchemaTooNew(e: unknown): boolean {
  return e instanceof SchemaTooNew;
}

/** A database of a newer fakescope as E_CONFIG naming `where`; any other error as it is. */
export function refuseNewerSchema(e: unknown, where: string): unknown {
  return isSchemaTooNew(e) ? new FakescopeError('E_CONFIG', `${where}: ${describeError(e)}`) : e;
}
