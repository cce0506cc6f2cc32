/** A Redis or PostgreSQL URL for messages and logs: its password masked. Pure. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}

/** Checks a `--redis` / `--database` value; the message says what is wrong. Pure. */
export function checkServiceUrl(option: string, url: string, schemes: readonly string[]): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `${option} needs a URL like ${schemes[0]}://host:port, got "${url.slice(0, 80)}"`;
  }
  const scheme = u.protocol.replace(/:$/, '');
  if (!schemes.includes(scheme)) return `${option}: scheme "${scheme}" is not one of ${schemes.join(', ')}`;
  if (!u.hostname) return `${option}: the URL has no host`;
  return null;
}
