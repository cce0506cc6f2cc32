import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../../src/cli/args.js';
import { parseControl, parseJob } from '../../../src/server/cluster/jobs.js';
import { afterSeq, clusterKeys, entryId, seqOf } from '../../../src/server/cluster/keys.js';
import { checkServiceUrl, redactUrl } from '../../../src/server/cluster/redis-url.js';

/** Issue #17: the pure parts of cluster mode (no Redis or PostgreSQL needed). */
describe('cluster arguments', () => {
  const R = 'redis://127.0.0.1:6379';
  const D = 'postgres://u@127.0.0.1/fakescope';
  it('parses serve and worker in cluster mode', () => {
    expect(parseCliArgs(['serve', '--redis', R, '--database', D])).toEqual({ command: 'serve', redis: R, database: D });
    expect(parseCliArgs(['worker', '--redis', R, '--database', D, '--concurrency', '4', '--port', '9000'])).toEqual({ command: 'worker', redis: R, database: D, concurrency: 4, port: 9000 });
  });

  it.each([
    [['serve', '--redis', R], /--redis and --database go together/],
    [['worker'], /worker needs --redis/],
    [['worker', '--redis', R, '--database', D, '--concurrency', '0'], /--concurrency needs a whole number from 1 to 256/],
    [['serve', '--redis', R, '--database', D, '--concurrency', '2'], /--concurrency is an option of worker/],
    [['serve', '--redis', 'localhost:6379', '--database', D], /--redis: scheme "localhost" is not one of redis, rediss/],
    [['serve', '--redis', R, '--database', 'mysql://x/y'], /--database: scheme "mysql"/],
    [['worker', '--redis', 'not a url', '--database', D], /--redis needs a URL like redis:\/\/host:port/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('masks passwords and checks schemes', () => {
    expect(redactUrl('postgres://u:secret@db:5432/x')).toBe('postgres://u:***@db:5432/x');
    expect(redactUrl('::')).toBe('(not a URL)');
    expect(checkServiceUrl('--redis', 'rediss://h:1', ['redis', 'rediss'])).toBeNull();
  });
});

describe('feed stream ids', () => {
  it.each([0, 1, 41, 1_000_000])('seq %i ↔ entry id', (seq) => {
    expect(seqOf(entryId(seq))).toBe(seq);
    expect(afterSeq(seq)).toBe(entryId(seq));
  });
  it('starts below every entry, and ignores ids that are not ours', () => {
    expect(afterSeq(-1)).toBe('0-0');
    expect(seqOf('1700000000000-0')).toBeNaN();
    expect(clusterKeys('p').feed('a1')).toBe('p:feed:a1');
  });
});

describe('job and control messages', () => {
  const job = { id: 'a1', kind: 'upload', input: 'ab'.repeat(32), display: 'clip.mp4' };
  it('accepts a job and says what is wrong with a bad one', () => {
    expect(parseJob(job)).toEqual(job);
    expect(parseJob({ ...job, kind: 'webcam' })).toMatch(/^not an analysis job \(\/kind/);
    expect(parseJob({ ...job, id: '../x' })).toMatch(/\/id/);
    expect(parseJob({ ...job, extra: 1 })).toMatch(/not an analysis job/);
    expect(parseJob(null)).toMatch(/not an analysis job/);
  });
  it('reads stop requests and ignores anything else', () => {
    expect(parseControl('{"type":"stop","id":"a1"}')).toEqual({ type: 'stop', id: 'a1' });
    expect(parseControl('{"type":"go","id":"a1"}')).toBeNull();
    expect(parseControl('not json')).toBeNull();
  });
});
