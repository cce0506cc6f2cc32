import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import { detectorNames } from '../detectors/registry.js';
import { createServer } from '../server/server.js';
import type { ServeArgs } from './args.js';
import { runUntilSignal, serverFlags } from './run-node.js';

/**
 * `fakescope serve`: config file + flags → app → server; runs until SIGINT/SIGTERM. Without
 * --redis/--database: the single-process server (embedded store). With them: a cluster API node
 * (no analyses, no models loaded; `fakescope worker` runs them).
 */
export async function serve(args: ServeArgs): Promise<number> {
  const config = loadConfig({ file: args.config, flags: serverFlags(args) });
  const registry = builtinRegistry();
  const apiKeys = config.server.apiKeys.length > 0;
  const stopping = 'reports of running analyses are saved';
  if (args.redis !== undefined && args.database !== undefined) {
    // Loaded on demand: the single-process server does not pay for BullMQ, ioredis and pg.
    const cluster = await import('../server/cluster/cluster-node.js');
    const node = await cluster.createApiNode({ config, urls: { redis: args.redis, database: args.database }, detectors: detectorNames(registry, config.detectors), logger: true });
    return runUntilSignal(node, { what: 'API node (cluster) serving', apiKeys, stopping, app: null });
  }
  const app = buildApp(config, registry);
  await app.start(); // fails early on a bad face model or execution provider
  const node = await createServer({ app, logger: true });
  return runUntilSignal(node, { what: 'serving on', apiKeys, stopping, app });
}
