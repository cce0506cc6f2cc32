import { describe, expect, it } from 'vitest';
import { checkStreamUrl, isNonPublicAddress } from '../../src/server/url-policy.js';

const policy = { allowedSchemes: ['http', 'https', 'rtmp', 'rtsp'], allowPrivateAddresses: false, resolveTimeoutMs: 1000 };
const resolver = (table: Record<string, string[]>) => async (host: string) => {
  const a = table[host];
  if (!a) throw new Error('ENOTFOUND');
  return a;
};

describe('isNonPublicAddress', () => {
  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.20.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true],
    ['100.64.0.1', true], ['0.0.0.0', true], ['224.0.0.1', true], ['::1', true], ['fd00::1', true], ['fe80::1', true],
    ['::ffff:127.0.0.1', true], ['::ffff:7f00:1', true], ['64:ff9b::10.0.0.1', true], ['not-an-ip', true],
    ['93.184.216.34', false], ['8.8.8.8', false], ['2606:4700::1111', false], ['::ffff:8.8.8.8', false],
  ])('%s → %s', (a, expected) => expect(isNonPublicAddress(a)).toBe(expected));
});

describe('checkStreamUrl', () => {
  const dns = resolver({ 'cdn.example': ['93.184.216.34'], 'mixed.example': ['93.184.216.34', '10.0.0.7'], localhost: ['127.0.0.1', '::1'] });

  it('accepts a public http(s)/rtsp URL', async () => {
    await expect(checkStreamUrl('https://cdn.example/live.m3u8', policy, dns)).resolves.toBe('https://cdn.example/live.m3u8');
    await expect(checkStreamUrl('rtsp://user:pw@93.184.216.34/cam', policy, dns)).resolves.toContain('rtsp://');
  });

  it.each([
    ['file:///etc/passwd', /"file:" URLs are not allowed/],
    ['udp://@:1234', /"udp:" URLs are not allowed/],
    ['concat:a.mp4|b.mp4', /"concat:" URLs are not allowed/],
    ['not a url', /not a URL/],
    ['http://localhost:8080/x.ts', /non-public address \(127\.0\.0\.1\)/],
    ['http://127.0.0.1/x.ts', /non-public/],
    ['http://[::1]/x.ts', /non-public/],
    ['http://mixed.example/x.ts', /non-public address \(10\.0\.0\.7\)/],
  ])('refuses %s', async (url, message) => {
    await expect(checkStreamUrl(url, policy, dns)).rejects.toMatchObject({ code: 'E_INPUT_REFUSED', message: expect.stringMatching(message) });
  });

  it('says a name that does not resolve is unreachable, and masks credentials', async () => {
    await expect(checkStreamUrl('http://u:secret@nowhere.example/x', policy, dns)).rejects.toMatchObject({
      code: 'E_INPUT_UNREACHABLE',
      message: expect.not.stringContaining('secret'),
    });
  });

  it('allows private addresses only when configured', async () => {
    await expect(checkStreamUrl('http://localhost/x.ts', { ...policy, allowPrivateAddresses: true }, dns)).resolves.toBe('http://localhost/x.ts');
  });
});
