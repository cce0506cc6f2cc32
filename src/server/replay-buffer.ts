/**
 * The last `capacity` replayable messages of an analysis, for clients that reconnect and resume
 * from a sequence number. Memory is bounded by `capacity`; older messages are gone and a resume
 * from before them is told the range it missed.
 */
export class ReplayBuffer<M extends { readonly seq: number }> {
  private readonly items: M[] = [];
  private lastSeq = -1;

  constructor(private readonly capacity: number) {}

  /** Sequence number of the newest message, -1 before the first. */
  get last(): number {
    return this.lastSeq;
  }

  /** The next sequence number to assign. */
  nextSeq(): number {
    return this.lastSeq + 1;
  }

  push(msg: M): void {
    if (msg.seq <= this.lastSeq) throw new RangeError(`replay: seq ${msg.seq} after ${this.lastSeq}`);
    this.lastSeq = msg.seq;
    this.items.push(msg);
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Messages with `seq > since`; `missed` is the range no longer held (null if none). */
  since(since: number): { missed: { from: number; to: number } | null; messages: M[] } {
    const first = this.items[0]?.seq ?? this.lastSeq + 1;
    const missed = since + 1 < first ? { from: since + 1, to: first - 1 } : null;
    return { missed, messages: this.items.filter((m) => m.seq > since) };
  }
}
