import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { FakescopeError } from '../errors.js';
import { classifyInput, displayInput } from '../ingest/input-policy.js';

/**
 * Which stream URLs a client may make the server open. The URL reaches ffmpeg, which would
 * happily read `file:` paths or talk to services on the server's own network, so: only the
 * configured schemes, and (unless allowed) no host that resolves to a loopback, private,
 * link-local, CGNAT, multicast or otherwise non-public address — every resolved address is
 * checked, not just the first. Residual risk (documented in docs/server.md): ffmpeg resolves
 * the name again (DNS rebinding), and an HLS playlist may name segments on other hosts.
 */
export interface UrlPolicy {
  readonly allowedSchemes: readonly string[];
  readonly allowPrivateAddresses: boolean;
  readonly resolveTimeoutMs: number;
}

export type Resolver = (host: string) => Promise<readonly string[]>;

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['2001:db8::', 32], ['100::', 64],
] as const) NON_PUBLIC.addSubnet(net, prefix, 'ipv6');

/** True for addresses that are not on the public internet (IPv4-mapped and NAT64 IPv6 included). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return NON_PUBLIC.check(address, 'ipv4');
  if (family !== 6) return true;
  const lower = address.toLowerCase();
  const embedded = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (embedded) return isNonPublicAddress(embedded[1] as string);
  const mappedHex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (mappedHex) {
    const n = (parseInt(mappedHex[1] as string, 16) << 16) | parseInt(mappedHex[2] as string, 16);
    return isNonPublicAddress([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.'));
  }
  return NON_PUBLIC.check(address, 'ipv6');
}

const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Checks a client-supplied stream URL; resolves to the URL, or throws E_INPUT_REFUSED/E_INPUT_UNREACHABLE. */
export async function checkStreamUrl(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<string> {
  const shown = displayInput(raw);
  const scheme = (/^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1] ?? '').toLowerCase();
  if (!scheme) throw new FakescopeError('E_INPUT_REFUSED', `${shown}: not a URL`);
  if (!policy.allowedSchemes.includes(scheme)) {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: "${scheme}:" URLs are not allowed here (allowed: ${policy.allowedSchemes.join(', ')})`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: not a URL`);
  }
  classifyInput(raw); // the ingest layer's own rules (NUL bytes, nested schemes)
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new FakescopeError('E_INPUT_REFUSED', `${shown}: the URL has no host`);
  if (policy.allowPrivateAddresses) return raw;
  let addresses: readonly string[];
  if (isIP(host)) addresses = [host];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        resolve(host),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('DNS timeout')), policy.resolveTimeoutMs);
        }),
      ]);
    } catch (e) {
      throw new FakescopeError('E_INPUT_UNREACHABLE', `${shown}: cannot resolve "${host}" (${(e as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0) throw new FakescopeError('E_INPUT_UNREACHABLE', `${shown}: "${host}" has no address`);
  const bad = addresses.find(isNonPublicAddress);
  if (bad !== undefined) {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: "${host}" resolves to a non-public address (${bad}); set server.urls.allowPrivateAddresses to allow it`);
  }
  return raw;
}
