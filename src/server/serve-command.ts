import { buildApp } from '../app.js';
import { parseConfig, readConfigFile } from '../config.js';
import { builtinRegistry } from '../detectors/builtin.js';
import type { ServeArgs } from '../cli/args.js';
import { createServer } from './server.js';

/** `fakescope serve`: config file + flags → app → server; runs until SIGINT/SIGTERM. */
export async function serve(args: ServeArgs): Promise<number> {
  const raw = readConfigFile(args.config);
  const server = { ...(raw.server as object | undefined) } as Record<string, unknown>;
  if (args.host !== undefined) server.host = args.host;
  if (args.port !== undefined) server.port = args.port;
  if (args.dataDir !== undefined) server.dataDir = args.dataDir;
  const config = parseConfig({ ...raw, server });
  const registry = builtinRegistry();
  const app = buildApp(config, registry);
  await app.start(); // fails early on a bad face model or execution provider
  const live = await createServer({ app, logger: true });
  const url = await live.listen();
  process.stderr.write(`fakescope: serving on ${url}${config.server.apiKeys.length ? ' (API key required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write('fakescope: stopping (reports of running analyses are saved)\n');
  await live.close();
  await app.stop();
  return 0;
}
