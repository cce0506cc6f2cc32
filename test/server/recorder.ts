import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A helper HTTP server on 127.0.0.1 that records every request it gets (method and path) and
 * answers with `handler` (default 404). Security tests use it as the internal service an attacker
 * aims at: it must see no request when policy forbids the fetch.
 */
export interface Recorder {
  readonly port: number;
  readonly base: string;
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startRecorder(handler?: (req: IncomingMessage, res: ServerResponse) => void): Promise<Recorder> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    if (handler) handler(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    base: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
