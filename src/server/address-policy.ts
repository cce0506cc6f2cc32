import { BlockList, isIP } from 'node:net';

/**
 * Which IP addresses a client-supplied URL may make the server connect to. Pure: no I/O.
 *
 * IPv6 is read as its 16 bytes, never as text, so every spelling of an address (`::a9fe:a9fe`,
 * `::169.254.169.254`, `64:ff9b::a9fe:a9fe`, `0:0:0:0:0:ffff:7f00:1`) is judged the same. Forms
 * that carry an IPv4 address inside (IPv4-mapped, IPv4-compatible `::/96`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`) are judged by that IPv4 address; forms whose target cannot be known from the
 * address alone (local-use NAT64 `64:ff9b:1::/48`, Teredo `2001::/32`) are refused.
 */

const V4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) V4.addSubnet(net, prefix, 'ipv4');

const V6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
  ['64:ff9b:1::', 48], ['2001::', 32], ['2001:10::', 28], ['2001:20::', 28], ['5f00::', 16], ['3fff::', 20],
] as const) V6.addSubnet(net, prefix, 'ipv6');

/** The 16 bytes of an IPv6 address (any valid spelling, zone id dropped), or null. */
export function ipv6Bytes(address: string): Uint8Array | null {
  const text = address.replace(/^\[|\]$/g, '').split('%')[0] as string;
  if (isIP(text) !== 6) return null;
  let head = text;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = (dotted[1] as string).split('.').map(Number);
    head = text.slice(0, -(dotted[1] as string).length);
    head = head.endsWith('::') ? head : head.replace(/:$/, '');
  }
  const [left = '', right] = head.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const missing = 8 - tail.length / 2 - l.length - r.length;
  const words = [...l, ...Array<number>(right === undefined ? 0 : missing).fill(0), ...r];
  const bytes = new Uint8Array(16);
  words.forEach((w, i) => {
    bytes[2 * i] = w >> 8;
    bytes[2 * i + 1] = w & 255;
  });
  tail.forEach((b, i) => {
    bytes[12 + i] = b;
  });
  return bytes;
}

const v4At = (b: Uint8Array, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
const zero = (b: Uint8Array, from: number, to: number) => b.subarray(from, to).every((x) => x === 0);

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or null. */
export function embeddedIpv4(b: Uint8Array): string | null {
  if (zero(b, 0, 10) && b[10] === 0xff && b[11] === 0xff) return v4At(b, 12); // ::ffff:0:0/96
  if (zero(b, 0, 12)) return v4At(b, 12); // ::/96 (IPv4-compatible, deprecated; ::1 and :: included)
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(b, 4, 12)) return v4At(b, 12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return v4At(b, 2); // 2002::/16 6to4
  return null;
}

/** True for addresses that are not on the public internet; anything that is not an IP is too. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return V4.check(address, 'ipv4');
  const bytes = ipv6Bytes(address);
  if (!bytes) return true;
  const v4 = embeddedIpv4(bytes);
  if (v4 !== null) return V4.check(v4, 'ipv4');
  const canonical = Array.from({ length: 8 }, (_, i) => (((bytes[2 * i] as number) << 8) | (bytes[2 * i + 1] as number)).toString(16)).join(':');
  return V6.check(canonical, 'ipv6');
}

/**
 * Operator exceptions (`server.urls.allowAddresses`): `10.0.0.5` (any port), `10.0.0.5:554`,
 * `[fd00::5]:8000`. Pure.
 */
export function isExcepted(address: string, port: number, exceptions: readonly string[]): boolean {
  const bytes = ipv6Bytes(address);
  const same = (a: string) => (bytes ? ipv6Bytes(a)?.every((x, i) => x === bytes[i]) === true : a === address);
  return exceptions.some((entry) => {
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry) ?? [entry, entry, undefined];
    const host = m[1] as string;
    const p = m[2];
    return same(host) && (p === undefined || Number(p) === port);
  });
}
