import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Adapter from pushed media chunks (a browser's MediaRecorder WebM, sent over a WebSocket) to
 * what the ingest layer opens: an http:// URL. The relay owns one HTTP server on 127.0.0.1 (never
 * reachable from outside; each stream has an unguessable path) that answers each GET with the
 * chunks so far and then the live chunks as they arrive (chunked transfer), ending when the
 * webcam stops. ffprobe and then ffmpeg each open it once.
 *
 * Bounds: the chunks kept for a late reader stop at `keepBytes` (after that a new reader gets the
 * first chunk, the WebM header, then only live chunks); a reader whose socket buffer passes
 * `maxReaderBytes` loses chunks until it drains (the Matroska demuxer resyncs at the next
 * cluster), so a slow analysis cannot grow server memory.
 */
export interface RelayStream {
  readonly url: string;
  push(chunk: Buffer): void;
  end(): void;
}

interface StreamState {
  chunks: Buffer[];
  keptBytes: number;
  header: Buffer | null;
  readers: Set<ServerResponse>;
  ended: boolean;
  dropped: number;
}

export class WebcamRelay {
  private server: Server | null = null;
  private port = 0;
  private readonly streams = new Map<string, StreamState>();

  constructor(private readonly limits = { keepBytes: 16 * 1024 * 1024, maxReaderBytes: 8 * 1024 * 1024 }) {}

  async open(): Promise<RelayStream> {
    await this.listen();
    const token = randomBytes(16).toString('hex');
    const s: StreamState = { chunks: [], keptBytes: 0, header: null, readers: new Set(), ended: false, dropped: 0 };
    this.streams.set(token, s);
    return {
      url: `http://127.0.0.1:${this.port}/${token}.webm`,
      push: (chunk) => {
        if (s.ended) return;
        s.header ??= chunk;
        if (s.keptBytes + chunk.length <= this.limits.keepBytes) {
          s.chunks.push(chunk);
          s.keptBytes += chunk.length;
        }
        for (const r of s.readers) this.write(s, r, chunk);
      },
      end: () => {
        s.ended = true;
        for (const r of s.readers) r.end();
        s.readers.clear();
        this.streams.delete(token);
      },
    };
  }

  async close(): Promise<void> {
    for (const s of this.streams.values()) for (const r of s.readers) r.destroy();
    this.streams.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  private write(s: StreamState, res: ServerResponse, chunk: Buffer): void {
    if (res.writableLength > this.limits.maxReaderBytes) {
      s.dropped++;
      return;
    }
    res.write(chunk);
  }

  private async listen(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.serve(req, res));
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
  }

  private serve(req: IncomingMessage, res: ServerResponse): void {
    const token = /^\/([0-9a-f]{32})\.webm$/.exec(req.url ?? '')?.[1];
    const s = token ? this.streams.get(token) : undefined;
    if (!s || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'video/webm' });
    const complete = s.keptBytes < this.limits.keepBytes;
    const first = complete ? s.chunks : s.header ? [s.header] : [];
    for (const c of first) res.write(c);
    s.readers.add(res);
    res.on('close', () => s.readers.delete(res));
  }
}
