import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { describeError } from '../errors.js';
import type { Resolver, UrlPolicy } from './url-policy.js';
import { checkHost, systemResolver } from './url-policy.js';

/**
 * A forward HTTP proxy on 127.0.0.1 that every ffmpeg/ffprobe opening a client's http(s) URL is
 * made to use (`http_proxy` in its environment; ffmpeg's http and tls protocols honour it for
 * every nested open: redirects, HLS/DASH playlists and segments, keys). Each request and each
 * CONNECT tunnel (https) is checked with the same URL policy as the API (`checkHost`), and the
 * proxy connects to the address it checked, not to a name ffmpeg resolves again — so a redirect
 * or a segment on a private host is refused, and DNS rebinding between check and connect cannot
 * happen. Refusals are answered 403 and counted.
 *
 * Only the server's own children know the port; it listens on loopback only and serves nothing
 * but proxying under the policy, so reaching it gives nothing ffmpeg could not already reach.
 */
export class PolicyProxy {
  refused = 0;
  forwarded = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Duplex>();

  constructor(
    private readonly policy: UrlPolicy,
    private readonly resolve: Resolver = systemResolver,
  ) {}

  /** Starts listening (once); resolves to the `http://127.0.0.1:<port>` value for `http_proxy`. */
  async url(): Promise<string> {
    if (!this.server) {
      const server = createServer((req, res) => void this.forward(req, res));
      server.on('connect', (req: IncomingMessage, socket: Duplex, head: Buffer) => void this.tunnel(req, socket, head));
      server.on('connection', (s: Socket) => this.track(s));
      this.server = server;
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    }
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Environment for an ffmpeg child that must go through this proxy. */
  async env(): Promise<Record<string, string>> {
    return { http_proxy: await this.url(), no_proxy: '' };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private track(s: Duplex): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => undefined);
  }

  private async forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let target: URL;
    try {
      target = new URL(req.url ?? '');
      if (target.protocol !== 'http:') throw new Error('only http:// through this proxy');
    } catch (e) {
      this.refuse(res, `bad proxy request (${describeError(e)})`);
      return;
    }
    const port = target.port === '' ? 80 : Number(target.port);
    let address: string;
    try {
      address = (await checkHost(target.hostname, port, this.policy, this.resolve))[0] as string;
    } catch (e) {
      this.refuse(res, describeError(e));
      return;
    }
    this.forwarded++;
    const headers: Record<string, string | string[] | undefined> = { ...req.headers, host: target.host };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = httpRequest(
      { host: address.replace(/^\[|\]$/g, ''), port, method: req.method, path: `${target.pathname}${target.search}`, headers, setHost: false },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.statusMessage, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  private async tunnel(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    this.track(socket);
    const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(req.url ?? '');
    if (!m) {
      this.refused++;
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const port = Number(m[2]);
    let address: string;
    try {
      address = (await checkHost(m[1] as string, port, this.policy, this.resolve))[0] as string;
    } catch {
      this.refused++;
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    this.forwarded++;
    const upstream = connect(port, address.replace(/^\[|\]$/g, ''), () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    this.track(upstream);
    upstream.on('error', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  }

  private refuse(res: ServerResponse, why: string): void {
    this.refused++;
    res.writeHead(403, { 'content-type': 'text/plain' }).end(`refused by the server's URL policy: ${why}\n`);
  }
}
