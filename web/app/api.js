/* global fetch, localStorage, location, FormData, URL */
/** HTTP calls to the fakescope server, with the API key from the page (kept in localStorage). */

const KEY_STORE = 'fakescope.apiKey';

export function apiKey() {
  return localStorage.getItem(KEY_STORE) ?? '';
}

export function setApiKey(key) {
  localStorage.setItem(KEY_STORE, key);
}

function headers(extra = {}) {
  const key = apiKey();
  return key ? { ...extra, 'x-api-key': key } : extra;
}

async function call(path, init = {}) {
  const res = await fetch(path, { ...init, headers: headers(init.headers) });
  const body = res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new Error(body && body.message ? `${body.message} (${res.status})` : `HTTP ${res.status}`);
  return body;
}

export const listAnalyses = () => call('/api/analyses').then((b) => b.analyses);
export const getAnalysis = (id) => call(`/api/analyses/${id}`);
export const getAlerts = (id) => call(`/api/analyses/${id}/alerts`).then((b) => b.alerts);
export const getReport = (id) => call(`/api/analyses/${id}/report`);
export const getSummary = (id) => call(`/api/analyses/${id}/summary`);
export const stopAnalysis = (id) => call(`/api/analyses/${id}/stop`, { method: 'POST' });

export function uploadVideo(file) {
  const form = new FormData();
  form.append('video', file, file.name);
  return call('/api/analyses/upload', { method: 'POST', body: form });
}

/** `live`: decode as a live stream whatever the URL (the server's default is live only for RTMP, RTSP and HLS). */
export function analyseUrl(url, live = false) {
  const body = live ? { url, live: true } : { url };
  return call('/api/analyses/url', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

/** ws(s):// URL for a server path, with the key as a query parameter (browsers cannot set headers on WebSockets). */
export function wsUrl(path, params = {}) {
  const url = new URL(path, location.href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  if (apiKey()) url.searchParams.set('key', apiKey());
  return url.toString();
}

/** Link to a report file (`report` JSON or `report.html`), with the key as a query parameter when one is set. */
export function reportHref(id, file = 'report') {
  return apiKey() ? `/api/analyses/${id}/${file}?key=${encodeURIComponent(apiKey())}` : `/api/analyses/${id}/${file}`;
}
