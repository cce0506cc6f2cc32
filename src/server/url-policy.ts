import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { FakescopeError } from '../errors.js';
import { classifyInput } from '../ingest/input-policy.js';
import { isExcepted, isNonPublicAddress } from './address-policy.js';
import { displayUrl } from './redact.js';

export { isNonPublicAddress } from './address-policy.js';

/**
 * Which stream URLs a client may make the server open. The URL reaches ffmpeg, which would
 * happily read `file:` paths or talk to services on the server's own network, so: only the
 * configured schemes, no characters on which URL parsers disagree (`\`, controls, spaces), and
 * (unless allowed) no host that resolves to a loopback, private, link-local, CGNAT, multicast or
 * otherwise non-public address — every resolved address is checked, not just the first. ffmpeg is
 * then given the URL as parsed here and re-serialised, never the client's spelling, and its HTTP
 * requests (redirects and playlist segments included) go through the policy proxy
 * (`policy-proxy.ts`), which applies `checkHost` again and connects to the address it checked.
 */
export interface UrlPolicy {
  readonly allowedSchemes: readonly string[];
  readonly allowPrivateAddresses: boolean;
  /** Exceptions to the address rule: `10.0.0.5`, `10.0.0.5:554`, `[fd00::5]:8000`. */
  readonly allowAddresses: readonly string[];
  readonly resolveTimeoutMs: number;
}

export type Resolver = (host: string) => Promise<readonly string[]>;

export const systemResolver: Resolver = async (host) => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

// Where WHATWG URL and ffmpeg's av_url_split disagree, or a log line could be forged.
// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const AMBIGUOUS = /[\\\s\x00-\x1f\x7f]/;

const DEFAULT_PORT: Readonly<Record<string, number>> = { http: 80, https: 443, rtmp: 1935, rtmps: 443, rtsp: 554, rtsps: 322, srt: 0, udp: 0 };

/**
 * Schemes ffmpeg opens itself, without the policy proxy (which carries http(s) and HLS): their URL
 * is handed to ffmpeg with the host replaced by the address that was checked, so a name that
 * re-resolves to a private address between check and connect (DNS rebinding) is never reached.
 * rtmps/rtsps keep the name: TLS servers choose their certificate by it (SNI), so pinning would
 * break them; their residual risk is documented (docs/server.md).
 */
const PINNED_SCHEMES: ReadonlySet<string> = new Set(['rtmp', 'rtsp']);

/** A checked stream URL: `href` as the client wrote it (normalised), `connect` what ffmpeg opens. */
export interface StreamTarget {
  readonly href: string;
  readonly connect: string;
}

/** Checks a client-supplied stream URL; resolves to the URL ffmpeg gets, or throws E_INPUT_REFUSED/E_INPUT_UNREACHABLE. */
export async function checkStreamUrl(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<string> {
  return (await checkStreamTarget(raw, policy, resolve)).href;
}

/** As `checkStreamUrl`, with the URL to connect to: RTMP/RTSP pinned to the checked address. */
export async function checkStreamTarget(raw: string, policy: UrlPolicy, resolve: Resolver = systemResolver): Promise<StreamTarget> {
  const shown = displayUrl(raw);
  const scheme = (/^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(raw)?.[1] ?? '').toLowerCase();
  if (!scheme) throw new FakescopeError('E_INPUT_REFUSED', `${shown}: not a URL`);
  if (!policy.allowedSchemes.includes(scheme)) {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: "${scheme}:" URLs are not allowed here (allowed: ${policy.allowedSchemes.join(', ')})`);
  }
  if (AMBIGUOUS.test(raw)) throw new FakescopeError('E_INPUT_REFUSED', `${shown}: the URL contains a backslash, space or control character`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: not a URL`);
  }
  url.hash = '';
  const href = url.href;
  classifyInput(href); // the ingest layer's own rules (NUL bytes, nested schemes)
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new FakescopeError('E_INPUT_REFUSED', `${shown}: the URL has no host`);
  const port = url.port === '' ? (DEFAULT_PORT[scheme] ?? 0) : Number(url.port);
  const addresses = await checkHost(host, port, policy, resolve, shown);
  return { href, connect: PINNED_SCHEMES.has(scheme) ? pinHost(url, addresses[0] as string) : href };
}

/** The URL with its host replaced by an address literal (IPv6 in brackets). Pure. */
export function pinHost(url: URL, address: string): string {
  const pinned = new URL(url.href);
  pinned.hostname = isIP(address) === 6 ? `[${address}]` : address;
  return pinned.href;
}

/**
 * The addresses `host` may be reached at under the policy (all of them checked), or a coded
 * refusal. Shared by the URL check and the policy proxy.
 */
export async function checkHost(host: string, port: number, policy: UrlPolicy, resolve: Resolver, shown: string = host): Promise<readonly string[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  let addresses: readonly string[];
  if (isIP(bare)) addresses = [bare];
  else {
    let timer: NodeJS.Timeout | undefined;
    try {
      addresses = await Promise.race([
        resolve(bare),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('DNS timeout')), policy.resolveTimeoutMs);
        }),
      ]);
    } catch (e) {
      throw new FakescopeError('E_INPUT_UNREACHABLE', `${shown}: cannot resolve "${bare}" (${(e as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }
  if (addresses.length === 0) throw new FakescopeError('E_INPUT_UNREACHABLE', `${shown}: "${bare}" has no address`);
  if (policy.allowPrivateAddresses) return addresses;
  const bad = addresses.find((a) => isNonPublicAddress(a) && !isExcepted(a, port, policy.allowAddresses));
  if (bad !== undefined) {
    throw new FakescopeError('E_INPUT_REFUSED', `${shown}: "${bare}" resolves to a non-public address (${bad}); set server.urls.allowPrivateAddresses or allowAddresses to allow it`);
  }
  return addresses;
}
