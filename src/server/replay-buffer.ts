/**
 * The last `capacity` replayable messages of an analysis, for clients that reconnect and resume
 * from a sequence number. Memory is bounded by `capacity`; older messages are gone and a resume
 * from before them is told the range it missed. Each message is kept with its JSON, serialised
 * once when it was published, so replaying costs no serialisation.
 */
export interface ReplayEntry<M> {
  readonly msg: M;
  readonly payload: string;
}

export class ReplayBuffer<M extends { readonly seq: number }> {
  private readonly items: ReplayEntry<M>[] = [];
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

  push(msg: M, payload: string = JSON.stringify(msg)): void {
    if (msg.seq <= this.lastSeq) throw new RangeError(`replay: seq ${msg.seq} after ${this.lastSeq}`);
    this.lastSeq = msg.seq;
    this.items.push({ msg, payload });
    if (this.items.length > this.capacity) this.items.shift();
  }

  /** Messages with `seq > since`; `missed` is the range no longer held (null if none). */
  since(since: number): { missed: { from: number; to: number } | null; messages: M[] } {
    const { missed, entries } = this.after(since, Infinity);
    return { missed, messages: entries.map((e) => e.msg) };
  }

  /** At most `max` entries with `seq > since`, oldest first, and the range before them no longer held. */
  after(since: number, max: number): { missed: { from: number; to: number } | null; entries: ReplayEntry<M>[] } {
    const first = this.items[0]?.msg.seq ?? this.lastSeq + 1;
    const missed = since + 1 < first ? { from: since + 1, to: first - 1 } : null;
    const start = this.items.findIndex((e) => e.msg.seq > since);
    if (start < 0) return { missed, entries: [] };
    return { missed, entries: this.items.slice(start, max === Infinity ? undefined : start + max) };
  }
}
