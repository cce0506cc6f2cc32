import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';

describe('fakescope serve arguments', () => {
  it('parses serve options', () => {
    expect(parseCliArgs(['serve'])).toEqual({ command: 'serve' });
    expect(parseCliArgs(['serve', '--port', '0', '--host', '0.0.0.0', '--data-dir', 'd', '--config', 'c.json'])).toEqual({
      command: 'serve',
      port: 0,
      host: '0.0.0.0',
      dataDir: 'd',
      config: 'c.json',
    });
  });

  it.each([
    [['serve', '--port', 'http'], /--port needs a port number/],
    [['serve', '--port', '70000'], /--port needs a port number/],
    [['serve', 'extra'], /serve takes no positional arguments/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
