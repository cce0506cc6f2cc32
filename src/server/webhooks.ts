import { createHmac } from 'node:crypto';

/**
 * Delivers alert events to webhook receivers: JSON POSTs signed with HMAC-SHA256 over the raw
 * body (`X-Fakescope-Signature: sha256=<hex>`), retried with exponential back-off
 * (`backoffMs · 2^(attempt−1)`) up to `maxAttempts`. One queue and one worker per target, so a
 * dead receiver delays only its own deliveries; each queue holds at most `maxQueue` payloads and
 * drops the oldest beyond that (counted), so memory stays bounded whatever the receivers do.
 */
export interface WebhookTarget {
  readonly url: string;
  readonly secret: string;
}

export interface WebhookOptions {
  readonly targets: readonly WebhookTarget[];
  readonly maxQueue: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly timeoutMs: number;
  /** Outcome counter (ok, retry, failed, dropped). */
  readonly onOutcome?: (outcome: 'ok' | 'retry' | 'failed' | 'dropped', url: string) => void;
  /** Injected in tests. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly fetch?: typeof fetch;
}

export function signPayload(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

class TargetQueue {
  private readonly queue: string[] = [];
  private running: Promise<void> | null = null;
  private closed = false;

  constructor(
    private readonly target: WebhookTarget,
    private readonly o: WebhookOptions,
  ) {}

  push(body: string): void {
    if (this.closed) return;
    this.queue.push(body);
    if (this.queue.length > this.o.maxQueue) {
      this.queue.shift();
      this.o.onOutcome?.('dropped', this.target.url);
    }
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private async drain(): Promise<void> {
    const sleep = this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    const doFetch = this.o.fetch ?? fetch;
    for (let body = this.queue.shift(); body !== undefined && !this.closed; body = this.queue.shift()) {
      for (let attempt = 1; ; attempt++) {
        let ok = false;
        try {
          const res = await doFetch(this.target.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-fakescope-signature': signPayload(this.target.secret, body), 'user-agent': 'fakescope-webhook' },
            body,
            signal: AbortSignal.timeout(this.o.timeoutMs),
          });
          ok = res.ok;
          await res.body?.cancel();
        } catch {
          ok = false;
        }
        if (ok) {
          this.o.onOutcome?.('ok', this.target.url);
          break;
        }
        if (attempt >= this.o.maxAttempts || this.closed) {
          this.o.onOutcome?.('failed', this.target.url);
          break;
        }
        this.o.onOutcome?.('retry', this.target.url);
        await sleep(this.o.backoffMs * 2 ** (attempt - 1));
      }
    }
  }
}

export class WebhookDispatcher {
  private readonly queues: TargetQueue[];

  constructor(options: WebhookOptions) {
    this.queues = options.targets.map((t) => new TargetQueue(t, options));
  }

  send(event: unknown): void {
    if (this.queues.length === 0) return;
    const body = JSON.stringify(event);
    for (const q of this.queues) q.push(body);
  }

  /** Resolves when every queue is empty (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.idle()));
  }

  close(): void {
    for (const q of this.queues) q.close();
  }
}
