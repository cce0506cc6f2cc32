/**
 * Just enough Matroska (EBML) to publish a pre-muxed clip frame by frame: the bytes before the
 * first Cluster (EBML header, Segment header, Info, Tracks) and each top-level Cluster with its
 * Timestamp. The clip is muxed with one frame per cluster (`-cluster_size_limit 1`), so a cluster's
 * timestamp is its frame's pts. Pure.
 */
const SEGMENT = 0x18538067;
const CLUSTER = 0x1f43b675;
const TIMESTAMP = 0xe7;
const CRC32 = 0xbf;

export interface MkvClusters {
  readonly header: Uint8Array;
  readonly clusters: readonly { readonly ptsMs: number; readonly bytes: Uint8Array }[];
}

/** An EBML element id (marker bits kept) or size (marker removed; unknown size → -1) at `at`. */
function vint(buf: Uint8Array, at: number, keepMarker: boolean): { value: number; len: number } {
  const first = buf[at] as number;
  let len = 1;
  while (len <= 8 && !(first & (0x80 >> (len - 1)))) len++;
  if (len > 8) throw new Error(`ebml: bad vint at ${at}`);
  let value = keepMarker ? first : first & (0xff >> len);
  let allOnes = value === 0xff >> len;
  for (let i = 1; i < len; i++) {
    const b = buf[at + i] as number;
    value = value * 256 + b;
    if (b !== 0xff) allOnes = false;
  }
  return { value: !keepMarker && allOnes ? -1 : value, len };
}

function element(buf: Uint8Array, at: number): { id: number; size: number; dataAt: number } {
  const id = vint(buf, at, true);
  const size = vint(buf, at + id.len, false);
  return { id: id.value, size: size.value, dataAt: at + id.len + size.len };
}

/** Splits a Matroska file (Segment of known or unknown size) into its header and clusters. */
export function splitClusters(buf: Uint8Array): MkvClusters {
  let at = 0;
  let headerEnd = -1;
  const clusters: { ptsMs: number; bytes: Uint8Array }[] = [];
  while (at < buf.length) {
    const e = element(buf, at);
    if (e.id === SEGMENT) {
      at = e.dataAt; // descend: its children are read at the top level
      continue;
    }
    if (e.size < 0) throw new Error(`ebml: element 0x${e.id.toString(16)} of unknown size`);
    const end = e.dataAt + e.size;
    if (e.id === CLUSTER) {
      if (headerEnd < 0) headerEnd = at;
      // The Timestamp comes first, after an optional CRC-32 element.
      let ts = element(buf, e.dataAt);
      if (ts.id === CRC32) ts = element(buf, ts.dataAt + ts.size);
      if (ts.id !== TIMESTAMP) throw new Error('ebml: cluster without a leading Timestamp');
      let ptsMs = 0;
      for (let i = 0; i < ts.size; i++) ptsMs = ptsMs * 256 + (buf[ts.dataAt + i] as number);
      clusters.push({ ptsMs, bytes: buf.subarray(at, end) });
    }
    at = end;
  }
  if (headerEnd < 0) throw new Error('ebml: no cluster');
  return { header: buf.subarray(0, headerEnd), clusters };
}
