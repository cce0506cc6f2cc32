import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/schema.js';
import { FeedClient } from '../feed-client.js';
import { TokenBucket } from '../rate-limit.js';
import type { AnalysisInfo } from '../wire.js';
import { CLOSE, ClientMsg, WIRE_VERSION } from '../wire.js';

/** The feed of one analysis: a LiveAnalysis in this process, or a cluster feed read from Redis. */
export interface FeedSource {
  readonly clients: { readonly size: number };
  attach(client: FeedClient, since: number): void;
  resume(client: FeedClient, since: number): void;
  detach(client: FeedClient): void;
}

export interface FeedRouteDeps {
  readonly config: Config;
  readonly manager: { get(id: string): AnalysisInfo | null | Promise<AnalysisInfo | null> };
  /** The feed of a running (or, in a cluster, recently finished) analysis; null: none to replay. */
  readonly feed: (id: string) => FeedSource | null | Promise<FeedSource | null>;
}

const FeedQuery = Type.Object({
  since: Type.Optional(Type.Integer({ minimum: -1 })),
  key: Type.Optional(Type.String()),
  overlayEveryMs: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Overlay images at most this often (ms of media time, not below server.feed.overlayEveryMs); 0: none. Default: server.feed.overlayEveryMs.' }),
  ),
});

/**
 * GET /api/analyses/:id/feed (WebSocket). The server sends `hello`, then replays every message
 * after `?since=` (default -1: everything still in the replay buffer), then live messages, and
 * overlay images at the rate the client asks (`?overlayEveryMs=`; 0 for none). The
 * client may send `resume` (replay again from a sequence number) and `ping`. Anything else closes
 * the socket with 4400 after an `error` message; the server and the analysis carry on.
 */
export function feedRoutes(app: FastifyInstance, deps: FeedRouteDeps): void {
  const { manager, config } = deps;
  app.get<{ Params: { id: string }; Querystring: { since?: number; overlayEveryMs?: number } }>(
    '/api/analyses/:id/feed',
    { websocket: true, schema: { summary: 'Live feed of one analysis (WebSocket; messages: ServerMsg / ClientMsg in wire.ts)', querystring: FeedQuery } },
    async (socket, req) => {
      const client = new FeedClient(socket, config.server.feed);
      const id = (req.params as { id: string }).id;
      // Listening starts at once (a message sent while the feed is looked up is not lost).
      const early: [unknown, boolean][] = [];
      let onMessage: (data: unknown, isBinary: boolean) => void = (data, isBinary) => early.push([data, isBinary]);
      socket.on('message', (data, isBinary) => onMessage(data, isBinary));
      let live: FeedSource | null;
      try {
        live = await deps.feed(id);
      } catch (e) {
        client.send({ v: WIRE_VERSION, type: 'error', code: 'E_STORE_UNAVAILABLE', message: e instanceof Error ? e.message : String(e) });
        client.close(CLOSE.goingAway, 'feed unavailable');
        return;
      }
      if (!client.isOpen) return;
      if (!live) {
        const info = await manager.get(id);
        if (!info) {
          client.send({ v: WIRE_VERSION, type: 'error', code: 'E_NOT_FOUND', message: `no analysis ${id}` });
          client.close(CLOSE.notFound, 'no such analysis');
          return;
        }
        // Finished: the hello carries the final state; the report is at /report.
        client.send({ v: WIRE_VERSION, type: 'hello', analysis: info, lastSeq: -1, detectors: [] });
        client.close(CLOSE.finished, `analysis ${info.status}`);
        return;
      }
      const feed = config.server.feed;
      const asked = req.query.overlayEveryMs ?? feed.overlayEveryMs;
      client.overlayEveryMs = feed.overlayEveryMs === 0 || asked === 0 ? 0 : Math.max(asked, feed.overlayEveryMs);
      if (live.clients.size >= feed.maxClientsPerAnalysis) {
        client.send({ v: WIRE_VERSION, type: 'error', code: 'E_BUSY', message: `analysis ${id} already has ${feed.maxClientsPerAnalysis} clients (server.feed.maxClientsPerAnalysis)` });
        client.close(CLOSE.tooManyClients, 'too many clients');
        return;
      }
      live.attach(client, req.query.since ?? -1);
      // Each message costs at most one token; a flood is closed before it costs the server work.
      const bucket = new TokenBucket(feed.clientMessageBurst, feed.clientMessagesPerS, performance.now());
      const source = live;
      onMessage = (data, isBinary) => {
        if (!client.isOpen) return;
        if (!bucket.take(performance.now())) {
          client.send({ v: WIRE_VERSION, type: 'error', code: 'E_RATE_LIMITED', message: `more than ${feed.clientMessagesPerS} messages per second (server.feed.clientMessagesPerS)` });
          client.close(CLOSE.rateLimited, 'too many messages');
          return;
        }
        const size = Array.isArray(data) ? (data as Buffer[]).reduce((n, b) => n + b.length, 0) : (data as Buffer | ArrayBuffer).byteLength;
        let msg: unknown = null;
        try {
          msg = isBinary || size > feed.maxClientMessageBytes ? null : JSON.parse(String(data));
        } catch {
          msg = null;
        }
        if (!Value.Check(ClientMsg, msg)) {
          client.send({ v: WIRE_VERSION, type: 'error', code: 'E_BAD_MESSAGE', message: 'expected a JSON ClientMsg ({"v":1,"type":"resume","since":N} or {"v":1,"type":"ping"})' });
          client.close(CLOSE.badMessage, 'malformed message');
          return;
        }
        if (msg.type === 'resume') source.resume(client, msg.since);
      };
      socket.on('close', () => source.detach(client));
      for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
    },
  );
}
