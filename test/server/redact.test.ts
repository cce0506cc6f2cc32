import { describe, expect, it } from 'vitest';
import { displayUrl, maskKeyParam } from '../../src/server/redact.js';

describe('displayUrl', () => {
  it.each([
    ['https://cdn.example/live.m3u8', 'https://cdn.example/live.m3u8'],
    ['https://u:pw@cdn.example/live.m3u8', 'https://***@cdn.example/live.m3u8'],
    ['https://cdn.example/live.m3u8?token=s3cret&exp=1', 'https://cdn.example/live.m3u8?token=***&exp=***'],
    ['rtsp://cam.example/stream?s3cret', 'rtsp://cam.example/stream?***'],
    ['https://cdn.example/x?a=1#frag', 'https://cdn.example/x?a=***'],
  ])('%s → %s', (raw, shown) => expect(displayUrl(raw)).toBe(shown));
});

describe('maskKeyParam', () => {
  it.each([
    ['/api/analyses?key=KEY123', '/api/analyses?key=***'],
    // issue #12 (7): fastify decodes parameter names, so %6bey is accepted as the key
    ['/api/analyses?%6bey=KEY123', '/api/analyses?%6bey=***'],
    ['/api/analyses?%6B%65%79=KEY123&since=3', '/api/analyses?%6B%65%79=***&since=3'],
    ['/api/x?a=1&key=KEY123&key=KEY456', '/api/x?a=1&key=***&key=***'],
    ['/api/x?monkey=1', '/api/x?monkey=1'],
    ['/api/x?%zz=1', '/api/x?%zz=1'],
  ])('%s → %s', (raw, masked) => expect(maskKeyParam(raw)).toBe(masked));
});
