import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import { checkSchemaVersion, storeTablesV1 } from './store-schema.js';

/**
 * The server's embedded transactional database (SQLite through better-sqlite3, one file
 * `dataDir/fakescope.db`): analyses, alerts, the size and sha256 of every stored payload, and the
 * quarantine log. Large payloads (reports, frames, uploads) stay files next to it, referenced by
 * analysis id and name and verified against their recorded digest on read.
 *
 * WAL journal (readers never wait for the writer; a crash mid-transaction rolls back on open),
 * `synchronous = FULL` (a committed row survives power loss, not only a process kill), foreign
 * keys on. The schema version is `PRAGMA user_version`; `MIGRATIONS[i]` takes version i to i + 1,
 * each in one transaction, so a database is always at a version the code knows. A database from a
 * newer fakescope is refused (E_CONFIG) rather than written by code that does not know its schema.
 */
export const MIGRATIONS: readonly string[] = [
  `${storeTablesV1({ json: 'TEXT', serialKey: 'INTEGER PRIMARY KEY AUTOINCREMENT', bigInt: 'INTEGER' })}
   CREATE TABLE quarantine (
     n INTEGER PRIMARY KEY AUTOINCREMENT,
     name TEXT NOT NULL,
     reason TEXT NOT NULL,
     at TEXT NOT NULL,
     moved_to TEXT,
     data TEXT
   );`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Opens (creating and migrating as needed) the database at `path`. */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Brings `db` to SCHEMA_VERSION; returns the version it started at. */
export function migrate(db: Db): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  checkSchemaVersion(from, SCHEMA_VERSION);
  for (let v = from; v < SCHEMA_VERSION; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return from;
}
