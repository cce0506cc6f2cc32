import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Redis and PostgreSQL for the cluster tests, found through FAKESCOPE_TEST_REDIS and
 * FAKESCOPE_TEST_DATABASE (.ci/run sets both; `eval "$(scripts/test-services.sh start)"` does it
 * locally). Without them the tests that need them are skipped, and say why once; under CI
 * (`CI` set, as .ci/run does) a missing service is an error, so they can never skip there.
 */
const warned = new Set<string>();

/** True (skip) when `name` is unset; prints the reason once per variable. */
export function skipWithout(name: 'FAKESCOPE_TEST_REDIS' | 'FAKESCOPE_TEST_DATABASE'): boolean {
  if (process.env[name]) return false;
  if (process.env.CI) throw new Error(`CI must run the cluster tests: ${name} is not set (.ci/run starts the services with scripts/test-services.sh)`);
  if (!warned.has(name)) {
    warned.add(name);
    process.stderr.write(`skipped: ${name} is not set (start the services with: eval "$(scripts/test-services.sh start)")\n`);
  }
  return true;
}

/** A new, empty database on the server of `url`; its URL. */
export async function freshDatabase(url: string): Promise<string> {
  const name = `fakescope_test_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A key prefix no other test uses (one Redis serves every test file). */
export function freshPrefix(): string {
  return `fstest-${randomBytes(4).toString('hex')}`;
}
