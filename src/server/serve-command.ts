import { buildApp } from '../app.js';
import { loadConfig } from '../config/load.js';
import { builtinRegistry } from '../detectors/builtin.js';
import { detectorNames } from '../detectors/registry.js';
import type { ServeArgs, WorkerArgs } from '../cli/args.js';
import { createServer } from './server.js';

/**
 * `fakescope serve` and `fakescope worker`: config file + flags → app → server; runs until
 * SIGINT/SIGTERM. Without --redis/--database: the single-process server (embedded store). With
 * them, `serve` is a cluster API node (no analyses, no models loaded) and `worker` a cluster worker.
 */
export async function serve(args: ServeArgs | WorkerArgs): Promise<number> {
  const config = loadConfig({
    file: args.config,
    flags: { server: { host: args.host, port: args.port, dataDir: args.dataDir } },
    // A worker's health and metrics listen beside an API node on the same machine.
    defaults: args.command === 'worker' ? { server: { port: 8081 } } : {},
  });
  const registry = builtinRegistry();
  const urls = args.redis !== undefined && args.database !== undefined ? { redis: args.redis, database: args.database } : null;
  // Loaded on demand: the single-process server does not pay for BullMQ, ioredis and pg.
  const cluster = urls ? await import('./cluster/cluster-node.js') : null;
  let node: { listen(): Promise<string>; close(): Promise<void> };
  let app: ReturnType<typeof buildApp> | null = null;
  let what: string;
  if (urls && cluster && args.command === 'serve') {
    node = await cluster.createApiNode({ config, urls, detectors: detectorNames(registry, config.detectors), logger: true });
    what = 'API node (cluster) serving';
  } else {
    app = buildApp(config, registry);
    await app.start(); // fails early on a bad face model or execution provider
    if (urls && cluster) {
      node = await cluster.createWorkerNode({ config, app, urls, concurrency: args.concurrency ?? 1 });
      what = `worker (concurrency ${args.concurrency ?? 1}) taking jobs; health and metrics on`;
    } else {
      node = await createServer({ app, logger: true });
      what = 'serving on';
    }
  }
  const url = await node.listen();
  process.stderr.write(`fakescope: ${what} ${url}${config.server.apiKeys.length ? ' (API key required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write(args.command === 'worker' ? 'fakescope: stopping (running analyses are left to other workers)\n' : 'fakescope: stopping (reports of running analyses are saved)\n');
  await node.close();
  await app?.stop();
  return 0;
}
