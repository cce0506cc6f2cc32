import type { PoolClient } from 'pg';
import { checkSchemaVersion, storeTablesV1 } from '../store-schema.js';

/**
 * Versioned migrations of the PostgreSQL store. `PG_MIGRATIONS[i]` takes the schema from version
 * i to i + 1; each runs in one transaction together with the row in `fakescope_schema` that
 * records it. Nodes that start at once serialise on an advisory lock, so exactly one applies each
 * step. A database at a version this code does not know is refused (E_CONFIG), never written.
 * Append new steps; never edit a released one.
 */
export const PG_MIGRATIONS: readonly string[] = [
  storeTablesV1({ json: 'JSONB', serialKey: 'BIGSERIAL PRIMARY KEY', bigInt: 'BIGINT' }, '\n   CREATE INDEX analyses_by_created ON analyses (created_at DESC, id DESC);'),
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** Any constant: the key of the advisory lock migrations hold. */
const MIGRATION_LOCK = 0x66616b65; // "fake"

/** Brings the database to PG_SCHEMA_VERSION; returns the version it found. */
export async function migratePg(client: PoolClient): Promise<number> {
  // The lock comes first: CREATE TABLE IF NOT EXISTS itself races between nodes starting together.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS fakescope_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())');
    const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM fakescope_schema');
    const from = rows[0]?.v ?? 0;
    checkSchemaVersion(from, PG_SCHEMA_VERSION);
    for (let v = from; v < PG_SCHEMA_VERSION; v++) {
      await client.query('BEGIN');
      try {
        await client.query(PG_MIGRATIONS[v] as string);
        await client.query('INSERT INTO fakescope_schema (version) VALUES ($1)', [v + 1]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw e;
      }
    }
    return from;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}
