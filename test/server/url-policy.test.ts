import { describe, expect, it } from 'vitest';
import { checkStreamTarget, checkStreamUrl, isNonPublicAddress, pinHost } from '../../src/server/url-policy.js';

const policy = { allowedSchemes: ['http', 'https', 'rtmp', 'rtsp'], allowPrivateAddresses: false, allowAddresses: [] as string[], resolveTimeoutMs: 1000 };
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
    // issue #12: embedded IPv4 in every spelling, NAT64 in hex, IPv4-compatible, 6to4, Teredo
    ['64:ff9b::a9fe:a9fe', true], ['64:ff9b::169.254.169.254', true], ['64:ff9b:0:0:0:0:a9fe:a9fe', true], ['64:ff9b::808:808', false],
    ['64:ff9b:1::808:808', true], ['::7f00:1', true], ['::127.0.0.1', true], ['::a9fe:a9fe', true], ['::808:808', false],
    ['0:0:0:0:0:ffff:7f00:1', true], ['::ffff:0:0', true], ['2002:7f00:1::', true], ['2002:a9fe:a9fe::1', true], ['2002:808:808::1', false],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', true], ['fec0::1', true], ['192.88.99.1', true], ['FD00::1', true], ['[::1]', true],
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

  it.each([
    // issue #12 (1): Node ends the host at "\", ffmpeg does not and connected to 127.0.0.1
    'http://1.2.3.4\\@127.0.0.1:8080/x.mp4',
    'http://93.184.216.34\\@127.0.0.1/x.mp4',
    'http://93.184.216.34/x.mp4\t',
    'http://93.184.216.34 /x.mp4',
    'http://93.184.216.34/x\n.mp4',
    // issue #12 (6): address-policy gaps in URL spelling
    'http://[::127.0.0.1]/x', 'http://[64:ff9b::a9fe:a9fe]/latest', 'http://[::]/x', 'http://[2002:7f00:1::]/x', 'http://[::ffff:a9fe:a9fe]/x',
  ])('refuses the parser-confusion or embedded-address URL %j', async (url) => {
    await expect(checkStreamUrl(url, policy, dns)).rejects.toMatchObject({ code: 'E_INPUT_REFUSED' });
  });

  it('hands back the URL as it parsed it (re-serialised, no fragment)', async () => {
    await expect(checkStreamUrl('HTTP://CDN.example:80/a/../live.m3u8#@127.0.0.1', policy, dns)).resolves.toBe('http://cdn.example/live.m3u8');
    await expect(checkStreamUrl('http://cdn.example/a b', policy, dns)).rejects.toMatchObject({ code: 'E_INPUT_REFUSED' });
  });

  it('allows a configured exception, by address or address and port', async () => {
    const except = { ...policy, allowAddresses: ['10.0.0.7', '127.0.0.1:8554', '[fd00::5]:80'] };
    await expect(checkStreamUrl('http://mixed.example/x.ts', except, dns)).resolves.toBe('http://mixed.example/x.ts');
    await expect(checkStreamUrl('rtsp://127.0.0.1:8554/cam', except, dns)).resolves.toBe('rtsp://127.0.0.1:8554/cam');
    await expect(checkStreamUrl('rtsp://127.0.0.1:8555/cam', except, dns)).rejects.toMatchObject({ code: 'E_INPUT_REFUSED' });
    await expect(checkStreamUrl('http://[fd00:0::5]/x', except, dns)).resolves.toBe('http://[fd00::5]/x');
  });

  it('allows private addresses only when configured', async () => {
    await expect(checkStreamUrl('http://localhost/x.ts', { ...policy, allowPrivateAddresses: true }, dns)).resolves.toBe('http://localhost/x.ts');
  });
});

describe('checkStreamTarget: RTMP/RTSP go to the address that was checked (no DNS rebinding)', () => {
  const policy2 = { ...policy, allowedSchemes: ['http', 'https', 'rtmp', 'rtmps', 'rtsp', 'rtsps'] };

  it('pins rtmp and rtsp to the checked address, keeps the name for http(s) and the TLS variants', async () => {
    const dns = resolver({ 'cam.example': ['93.184.216.34'], 'v6.example': ['2606:4700::1111'] });
    await expect(checkStreamTarget('rtsp://user:pw@cam.example:8554/live?x=1', policy2, dns)).resolves.toEqual({
      href: 'rtsp://user:pw@cam.example:8554/live?x=1',
      connect: 'rtsp://user:pw@93.184.216.34:8554/live?x=1',
    });
    await expect(checkStreamTarget('rtmp://v6.example/app/key', policy2, dns)).resolves.toMatchObject({ connect: 'rtmp://[2606:4700::1111]/app/key' });
    for (const url of ['https://cam.example/live.m3u8', 'rtmps://cam.example/app/key', 'rtsps://cam.example/live']) {
      const t = await checkStreamTarget(url, policy2, dns);
      expect(t.connect).toBe(t.href);
    }
  });

  it('a name that answers public then private is refused, or pinned to the public answer it was checked on', async () => {
    let calls = 0;
    const rebinding = async () => (calls++ === 0 ? ['93.184.216.34'] : ['127.0.0.1']);
    const t = await checkStreamTarget('rtsp://rebind.example/cam', policy2, rebinding);
    expect(t.connect).toBe('rtsp://93.184.216.34/cam'); // ffmpeg never resolves the name again
    await expect(checkStreamTarget('rtsp://rebind.example/cam', policy2, rebinding)).rejects.toMatchObject({ code: 'E_INPUT_REFUSED' });
  });

  it('pinHost writes IPv4 and IPv6 literals', () => {
    expect(pinHost(new URL('rtsp://h.example:554/a'), '10.0.0.1')).toBe('rtsp://10.0.0.1:554/a');
    expect(pinHost(new URL('rtmp://h.example/a'), '::1')).toBe('rtmp://[::1]/a');
  });
});
