/* global WebSocket, setTimeout, clearTimeout */
import { wsUrl } from './api.js';
import { CLOSE, SERVER_MESSAGE_TYPES, WIRE_VERSION } from './wire.gen.js';

/**
 * The WebSocket feed of one analysis. Remembers the last sequence number seen and, when the
 * connection drops before the analysis ends, reconnects with back-off and resumes from it (the
 * server replays what was missed, or says `gap`). Messages of another wire version or unknown
 * type are ignored.
 */
export class Feed {
  constructor(id, onMessage, onEnd) {
    this.id = id;
    this.onMessage = onMessage;
    this.onEnd = onEnd;
    this.lastSeq = -1;
    this.closed = false;
    this.retries = 0;
    this.timer = null;
    this.connect();
  }

  connect() {
    const ws = new WebSocket(wsUrl(`/api/analyses/${this.id}/feed`, { since: this.lastSeq }));
    this.ws = ws;
    ws.onmessage = (ev) => {
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (msg.v !== WIRE_VERSION || !SERVER_MESSAGE_TYPES.includes(msg.type)) return;
      if (typeof msg.seq === 'number') {
        if (msg.seq <= this.lastSeq) return;
        this.lastSeq = msg.seq;
      }
      this.retries = 0;
      this.onMessage(msg);
    };
    ws.onclose = (ev) => {
      if (this.closed) return;
      const final = ev.code === CLOSE.finished || ev.code === CLOSE.notFound || ev.code === CLOSE.badMessage || ev.code === CLOSE.unauthorized;
      if (final || this.retries >= 8) {
        this.closed = true;
        this.onEnd(ev.code);
        return;
      }
      this.retries++;
      this.timer = setTimeout(() => this.connect(), Math.min(10_000, 250 * 2 ** this.retries));
    };
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }
}
