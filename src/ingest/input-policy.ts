import { FakescopeError } from '../errors.js';

/**
 * Which inputs may reach ffmpeg. ffmpeg opens far more than files and network streams (`concat:`,
 * `subfile:`, `data:`, `pipe:`, `file:` URLs nested in playlists...), so an input string from a
 * user or a web form is checked here, and every ffmpeg/ffprobe run also gets a
 * `-protocol_whitelist` that keeps nested opens (HLS segments, RTSP transports) inside the same
 * family. Pure: no I/O.
 */

/** A checked input: a local path, or a URL whose scheme is on the allow list. */
export type InputKind =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'url'; readonly scheme: AllowedScheme; readonly url: string };

/** Network schemes that carry only media; `hls+http:` and friends are refused, use the http(s) URL. */
export type AllowedScheme = 'http' | 'https' | 'rtmp' | 'rtmps' | 'rtsp' | 'rtsps' | 'srt' | 'udp';

/** Protocols each scheme needs for its own nested opens; nothing that reads local files. */
const WHITELIST: Readonly<Record<AllowedScheme | 'file', string>> = {
  file: 'file,crypto',
  http: 'http,https,tcp,tls,crypto,httpproxy',
  https: 'http,https,tcp,tls,crypto,httpproxy',
  rtmp: 'rtmp,rtmps,tcp,tls',
  rtmps: 'rtmp,rtmps,tcp,tls',
  rtsp: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  rtsps: 'rtsp,rtsps,rtp,srtp,udp,tcp,tls',
  srt: 'srt',
  udp: 'udp',
};

const LIVE_SCHEMES: ReadonlySet<string> = new Set(['rtmp', 'rtmps', 'rtsp', 'rtsps', 'srt', 'udp']);

// A URL scheme per RFC 3986; one letter is a Windows drive (C:\video.mp4), not a scheme.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]+):/;

/** Sorts an input into a local path or an allowed URL, or refuses it with a one-line reason. */
export function classifyInput(input: string): InputKind {
  if (input.trim() === '') throw new FakescopeError('E_INPUT_MISSING', 'no input given');
  if (input.includes('\0')) throw new FakescopeError('E_INPUT_REFUSED', 'input contains a NUL byte');
  const m = SCHEME.exec(input);
  if (!m) return { kind: 'file', path: input };
  const scheme = (m[1] ?? '').toLowerCase();
  if (scheme in WHITELIST && scheme !== 'file') {
    return { kind: 'url', scheme: scheme as AllowedScheme, url: input };
  }
  const hint =
    scheme === 'file'
      ? 'give the path without "file:"'
      : 'allowed: file paths and http(s), rtmp(s), rtsp(s), srt, udp URLs; prefix a local name containing ":" with ./';
  throw new FakescopeError('E_INPUT_REFUSED', `${displayInput(input)}: "${scheme}:" inputs are refused (${hint})`);
}

/** Inputs that never end on their own: decoded with latest-wins slots instead of read-ahead. */
export function isLiveByDefault(kind: InputKind): boolean {
  if (kind.kind === 'url' && LIVE_SCHEMES.has(kind.scheme)) return true;
  return isHlsPlaylist(kind);
}

/** `.m3u8` (path or URL, query ignored). */
export function isHlsPlaylist(kind: InputKind): boolean {
  const text = kind.kind === 'file' ? kind.path : kind.url.replace(/[?#].*$/, '');
  return /\.m3u8$/i.test(text);
}

/** The `-protocol_whitelist` value for this input. */
export function protocolWhitelist(kind: InputKind): string {
  return WHITELIST[kind.kind === 'file' ? 'file' : kind.scheme];
}

/**
 * The string handed to ffmpeg. Local paths go through the `file:` protocol with an absolute path
 * so that names starting with "-" or containing ":" are read as plain files.
 */
export function ffmpegInput(kind: InputKind, absolutePath?: string): string {
  return kind.kind === 'file' ? `file:${absolutePath ?? kind.path}` : kind.url;
}

/** The input as it may appear in messages and logs: URL credentials are masked. */
export function displayInput(input: string): string {
  return input.replace(/^([a-zA-Z][a-zA-Z0-9+.-]+:\/\/)[^/@\s]*@/, '$1***@');
}
