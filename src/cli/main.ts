#!/usr/bin/env node
import { describeError, isFakescopeError } from '../errors.js';
import { VERSION } from '../version.js';
import { analyze } from './analyze-command.js';
import { USAGE, parseCliArgs } from './args.js';

/** Exit codes: 0 done, 1 the input or the analysis failed, 2 bad usage or config, 130 interrupted. */
async function main(argv: readonly string[]): Promise<number> {
  const args = parseCliArgs(argv);
  if (args.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'version') {
    process.stdout.write(`fakescope ${VERSION}\n`);
    return 0;
  }
  // Loaded on demand: `analyze` should not pay for the server's and the toolkit's imports.
  if (args.command === 'serve') return (await import('./serve-command.js')).serve(args);
  if (args.command === 'worker') return (await import('./worker-command.js')).work(args);
  if (args.command === 'eval') return (await import('./eval-command.js')).evaluate(args);
  if (args.command === 'calibrate') return (await import('./calibrate-command.js')).calibrate(args);
  return analyze(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const code = isFakescopeError(e) && (e.code === 'E_USAGE' || e.code === 'E_CONFIG') ? 2 : 1;
    process.stderr.write(`fakescope: error: ${describeError(e)}\n`);
    if (process.env.FAKESCOPE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = code;
  },
);
