import { parseArgs } from 'node:util';
import { Value } from '@sinclair/typebox/value';
import { ServerConfigSchema } from '../config/server.js';
import { FakescopeError } from '../errors.js';
import { checkServiceUrl } from '../server/cluster/redis-url.js';

export const USAGE = `Usage:
  fakescope analyze <file|url> [options]   analyse a video file, a photo (JPEG, PNG, WebP) or a stream
  fakescope serve [options]                live server: uploads, streams, WebSocket feed, web page
  fakescope worker --redis <url> --database <url> [options]
                                           cluster worker: runs analyses queued by API nodes

Options for analyze:
  --out <file>          write the JSON report (schema: docs/report-schema.md)
  --html <file>         write the printable report for people (verdict in words, faces, moments, regions)
  --ndjson <file>       write one JSON line per analysed frame as it is produced
  --fps <n>             analysis frame rate (default: every frame)
  --width <px>          analysis width (default 640)
  --detectors <a,b>     run only these detectors (default: all configured)
  --config <file>       JSON config file (see docs/configuration.md); flags override it
  --overlays <dir>      write overlay images (faces, scores, heat maps) as JPEG into <dir>
  --overlay-every <n>   one overlay every n analysed frames (default 25)
  --no-frames           leave per-frame results out of the JSON report
  --json                print the summary as one JSON object on stdout (for scripts)
  --quiet               no progress bar and no summary

Options for eval <dataset> (docs/evaluation.md; dataset = folder with manifest.tsv or real/ and fake/<method>/):
  --out <dir>           where eval.json, eval.html and the per-clip cache go (default ./fakescope-eval)
  --perturb <list>      robustness perturbations: all, none, or names (default all; see docs/evaluation.md)
  --adversarial <n>     attack the face crops of n fake clips (default 5; 0 = off)
  --queries <n>         attack queries per crop (default 200)
  --config <file>       JSON config file (detectors, verdict policy, attribution model)

Options for calibrate <dataset> (fits the verdict policy and the source classifier; docs/evaluation.md):
  --out <dir>           where verdict-policy.json and attribution/ go (default: the package's models/)
  --segment-frames <n>  analysed frames per calibration segment (default 30)
  --target-accuracy <x> answered accuracy the policy aims for (default 0.9)
  --config <file>       JSON config file

Options for serve (docs/server.md):
  --config <file>       JSON config file; its "server" section sets host, port, keys, limits
  --host <addr>         listen address (default 127.0.0.1)
  --port <n>            listen port (default 8080)
  --data-dir <dir>      where analyses, alerts and reports are kept (default ./fakescope-data);
                        in a cluster, the directory shared by every node
  --redis <url>         cluster mode (docs/operations.md): Redis for the queue and the feeds,
  --database <url>        PostgreSQL for the state; both or neither. This node then only serves
                          the API: analyses run on workers

Options for worker (docs/operations.md):
  --redis <url>, --database <url>, --data-dir <dir>, --config <file>   as for serve
  --concurrency <n>     analyses at once (default 1)
  --host, --port        where its /api/health and /api/metrics listen (default 127.0.0.1:8081)

  -h, --help            this help
  -v, --version         print the version`;

export interface AnalyzeArgs {
  readonly command: 'analyze';
  readonly input: string;
  readonly out?: string;
  readonly html?: string;
  readonly ndjson?: string;
  readonly fps?: number;
  readonly width?: number;
  readonly detectors?: string[];
  readonly config?: string;
  readonly overlays?: string;
  readonly overlayEvery: number;
  readonly frames: boolean;
  readonly quiet: boolean;
  /** Print the summary as JSON on stdout instead of text. */
  readonly json: boolean;
}

/** The options serve and worker share: the config file and the flags of its `server` section. */
interface ServerNodeArgs {
  readonly config?: string;
  readonly host?: string;
  readonly port?: number;
  readonly dataDir?: string;
}

export interface ServeArgs extends ServerNodeArgs {
  readonly command: 'serve';
  /** Cluster mode (an API node): both set, or neither. */
  readonly redis?: string;
  readonly database?: string;
}

/** `fakescope worker`: the options of serve, cluster URLs required. */
export interface WorkerArgs extends ServerNodeArgs {
  readonly command: 'worker';
  readonly redis: string;
  readonly database: string;
  /** Analyses at once. */
  readonly concurrency?: number;
}

export interface EvalArgs {
  readonly command: 'eval';
  readonly dataset: string;
  readonly out: string;
  readonly perturb: readonly string[] | 'all';
  readonly adversarial: number;
  readonly queries: number;
  readonly config?: string;
  readonly quiet: boolean;
}

export interface CalibrateArgs {
  readonly command: 'calibrate';
  readonly dataset: string;
  readonly out?: string;
  readonly segmentFrames: number;
  readonly targetAccuracy: number;
  readonly config?: string;
  readonly quiet: boolean;
}

export type CliArgs = AnalyzeArgs | ServeArgs | WorkerArgs | EvalArgs | CalibrateArgs | { readonly command: 'help' } | { readonly command: 'version' };

const usage = (msg: string): never => {
  throw new FakescopeError('E_USAGE', `${msg} (see fakescope --help)`);
};

function positiveNumber(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) usage(`--${name} needs a positive number, got "${v}"`);
  return n;
}

export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        html: { type: 'string' },
        ndjson: { type: 'string' },
        fps: { type: 'string' },
        width: { type: 'string' },
        detectors: { type: 'string' },
        config: { type: 'string' },
        overlays: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        redis: { type: 'string' },
        database: { type: 'string' },
        concurrency: { type: 'string' },
        'overlay-every': { type: 'string' },
        perturb: { type: 'string' },
        adversarial: { type: 'string' },
        queries: { type: 'string' },
        'segment-frames': { type: 'string' },
        'target-accuracy': { type: 'string' },
        'no-frames': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (e) {
    return usage((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  if (values.version) return { command: 'version' };
  if (values.help || positionals.length === 0) return { command: 'help' };
  const [command, ...rest] = positionals;
  if (command === 'serve' || command === 'worker') return serveArgs(command, values, rest);
  if (command === 'eval' || command === 'calibrate') {
    if (rest.length !== 1) return usage(`${command} takes exactly one dataset folder`);
    const whole = (name: string, v: string | undefined, dflt: number, zeroOk = false) => {
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < (zeroOk ? 0 : 1)) usage(`--${name} needs a whole number${zeroOk ? ' ≥ 0' : ' ≥ 1'}, got "${v}"`);
      return n;
    };
    const common = { dataset: rest[0] as string, quiet: values.quiet, ...(values.config !== undefined ? { config: values.config } : {}) };
    if (command === 'calibrate') {
      const target = values['target-accuracy'] === undefined ? 0.9 : Number(values['target-accuracy']);
      if (!(target > 0.5 && target <= 1)) usage(`--target-accuracy needs a number in (0.5, 1], got "${values['target-accuracy']}"`);
      return {
        command,
        ...common,
        ...(values.out !== undefined ? { out: values.out } : {}),
        segmentFrames: whole('segment-frames', values['segment-frames'], 30),
        targetAccuracy: target,
      };
    }
    const perturb = values.perturb ?? 'all';
    return {
      command,
      ...common,
      out: values.out ?? 'fakescope-eval',
      perturb: perturb === 'all' ? 'all' : perturb === 'none' ? [] : perturb.split(',').map((x) => x.trim()).filter(Boolean),
      adversarial: whole('adversarial', values.adversarial, 5, true),
      queries: whole('queries', values.queries, 200),
    };
  }
  if (command !== 'analyze') return usage(`unknown command "${command}"`);
  if (rest.length !== 1) return usage('analyze takes exactly one input (a file path or URL)');
  const width = positiveNumber('width', values.width);
  if (width !== undefined && !Number.isInteger(width)) usage('--width needs a whole number of pixels');
  const overlayEvery = positiveNumber('overlay-every', values['overlay-every']) ?? 25;
  if (!Number.isInteger(overlayEvery)) usage('--overlay-every needs a whole number');
  const detectors = values.detectors?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    command: 'analyze',
    input: rest[0] as string,
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.html !== undefined ? { html: values.html } : {}),
    ...(values.ndjson !== undefined ? { ndjson: values.ndjson } : {}),
    ...(values.fps !== undefined ? { fps: positiveNumber('fps', values.fps) } : {}),
    ...(width !== undefined ? { width } : {}),
    ...(detectors ? { detectors } : {}),
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.overlays !== undefined ? { overlays: values.overlays } : {}),
    overlayEvery,
    frames: !values['no-frames'],
    quiet: values.quiet,
    json: values.json,
  };
}

function serveArgs(
  command: 'serve' | 'worker',
  values: { config?: string; host?: string; port?: string; 'data-dir'?: string; redis?: string; database?: string; concurrency?: string },
  rest: readonly string[],
): ServeArgs | WorkerArgs {
  if (rest.length > 0) usage(`${command} takes no positional arguments`);
  if ((values.redis === undefined) !== (values.database === undefined)) usage('--redis and --database go together (cluster mode needs both)');
  if (command === 'worker' && values.redis === undefined) usage('worker needs --redis <url> and --database <url>');
  for (const [flag, v, schemes] of [['--redis', values.redis, ['redis', 'rediss']], ['--database', values.database, ['postgres', 'postgresql']]] as const) {
    const problem = v === undefined ? null : checkServiceUrl(flag, v, schemes);
    if (problem) usage(problem);
  }
  let concurrency: number | undefined;
  if (values.concurrency !== undefined) {
    if (command !== 'worker') usage('--concurrency is an option of worker');
    concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) usage(`--concurrency needs a whole number from 1 to 256, got "${values.concurrency}"`);
  }
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    // The range is the config schema's (server.port), checked here to name the flag.
    if (!Value.Check(ServerConfigSchema.properties.port, port)) usage(`--port needs a port number, got "${values.port}"`);
  }
  const options = {
    ...(values.config !== undefined ? { config: values.config } : {}),
    ...(values.host !== undefined ? { host: values.host } : {}),
    ...(port !== undefined ? { port } : {}),
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
  };
  if (command === 'worker') {
    return { command, redis: values.redis as string, database: values.database as string, ...(concurrency !== undefined ? { concurrency } : {}), ...options };
  }
  return {
    command,
    ...(values.redis !== undefined ? { redis: values.redis } : {}),
    ...(values.database !== undefined ? { database: values.database } : {}),
    ...options,
  };
}
