/**
 * Every Redis key of a cluster, under one prefix (`server.cluster.prefix`). Pure.
 *
 *   <prefix>:feed:<id>      the analysis' feed (a stream; entry id `<seq>-1`, field `m` = JSON)
 *   <prefix>:detectors:<id> the detectors its worker runs (JSON array, for the feed's hello)
 *   <prefix>:stop:<id>      set when a stop was asked (a worker that picks the job up later sees it)
 *   <prefix>:control        pub/sub channel: stop requests reach whichever worker holds the job
 *   <prefix>:overlay:<id>   the latest overlay (a string) and the pub/sub channel of new ones
 *   <prefix>:workers        hash worker name → last heartbeat (ms), for /api/health and metrics
 *   bull:…                  BullMQ's own keys, under the same prefix (queue `analyses`)
 */
export interface ClusterKeys {
  readonly prefix: string;
  feed(id: string): string;
  detectors(id: string): string;
  stop(id: string): string;
  overlay(id: string): string;
  readonly control: string;
  readonly workers: string;
}

export const QUEUE_NAME = 'analyses';

export function clusterKeys(prefix: string): ClusterKeys {
  return {
    prefix,
    feed: (id) => `${prefix}:feed:${id}`,
    detectors: (id) => `${prefix}:detectors:${id}`,
    stop: (id) => `${prefix}:stop:${id}`,
    overlay: (id) => `${prefix}:overlay:${id}`,
    control: `${prefix}:control`,
    workers: `${prefix}:workers`,
  };
}

/** The stream entry id of feed sequence number `seq` (≥ 0): `<seq>-1`, so `0-0` stays below all. */
export function entryId(seq: number): string {
  return `${seq}-1`;
}

/** The feed sequence number of a stream entry id (NaN for one that is not ours). */
export function seqOf(id: string): number {
  const [ms, n] = id.split('-');
  return n === '1' ? Number(ms) : Number.NaN;
}

/** The XREAD/XRANGE start for "every message with seq > since" (exclusive for XREAD). */
export function afterSeq(since: number): string {
  return since < 0 ? '0-0' : entryId(since);
}
