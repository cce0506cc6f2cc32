import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import type { WorkerArgs } from './args.js';
import { runUntilSignal, serverFlags } from './run-node.js';

/**
 * `fakescope worker --redis … --database …`: config file + flags → app → cluster worker, which
 * takes analyses queued by API nodes; its health and metrics listen on server.host:port (default
 * port 8081, beside an API node on 8080). Runs until SIGINT/SIGTERM.
 */
export async function work(args: WorkerArgs): Promise<number> {
  const config = loadConfig({ file: args.config, flags: serverFlags(args), defaults: { server: { port: 8081 } } });
  const registry = builtinRegistry();
  const cluster = await import('../server/cluster/cluster-node.js');
  const app = buildApp(config, registry);
  await app.start(); // fails early on a bad face model or execution provider
  const concurrency = args.concurrency ?? 1;
  const node = await cluster.createWorkerNode({ config, app, urls: { redis: args.redis, database: args.database }, concurrency });
  return runUntilSignal(node, {
    what: `worker (concurrency ${concurrency}) taking jobs; health and metrics on`,
    apiKeys: config.server.apiKeys.length > 0,
    stopping: 'running analyses are left to other workers',
    app,
  });
}
