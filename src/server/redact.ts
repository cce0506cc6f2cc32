/**
 * What the server shows of secrets it was given: URLs in API answers and logs. Pure.
 */

/** A stream URL as API users see it: credentials and every query value masked (tokens live there). */
export function displayUrl(raw: string): string {
  const masked = raw.replace(/^([a-zA-Z][a-zA-Z0-9+.-]+:\/\/)[^/?#@\s]*@/, '$1***@');
  const q = masked.indexOf('?');
  if (q < 0) return masked;
  const hash = masked.indexOf('#', q);
  const query = masked.slice(q + 1, hash < 0 ? undefined : hash);
  const shown = query
    .split('&')
    .map((part) => {
      if (part === '') return part;
      const eq = part.indexOf('=');
      return eq < 0 ? '***' : `${part.slice(0, eq)}=***`;
    })
    .join('&');
  return `${masked.slice(0, q)}?${shown}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/**
 * A request URL for the log: the value of every query parameter whose decoded name is `key` is
 * masked, however the name was spelt (`?%6bey=`, `?KEY=` is a different parameter and not
 * accepted as a key, but masked too).
 */
export function maskKeyParam(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const parts = url
    .slice(q + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq < 0 ? part : part.slice(0, eq);
      return decodeName(name).trim().toLowerCase() === 'key' ? `${name}=***` : part;
    });
  return `${url.slice(0, q)}?${parts.join('&')}`;
}
