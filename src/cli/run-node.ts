import type { App } from '../app.js';
import type { ConfigLayer } from '../config/load.js';
import type { ServeArgs, WorkerArgs } from './args.js';

/** What serve and worker run: a server that listens and closes. */
export interface ListeningNode {
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** The flags of serve and worker that set the config's `server` section. */
export function serverFlags(args: ServeArgs | WorkerArgs): ConfigLayer {
  return { server: { host: args.host, port: args.port, dataDir: args.dataDir } };
}

/**
 * Listens and says where (`what` names the role), runs until SIGINT/SIGTERM, then says `stopping`,
 * closes the node and stops the app it runs, if any. Returns the exit code.
 */
export async function runUntilSignal(node: ListeningNode, o: { readonly what: string; readonly apiKeys: boolean; readonly stopping: string; readonly app: App | null }): Promise<number> {
  const url = await node.listen();
  process.stderr.write(`fakescope: ${o.what} ${url}${o.apiKeys ? ' (API key required)' : ''}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  process.stderr.write(`fakescope: stopping (${o.stopping})\n`);
  await node.close();
  await o.app?.stop();
  return 0;
}
