import { type Static, Type } from '@sinclair/typebox';

/**
 * The `server` section of the one config schema (./schema.ts includes it). Defaults make
 * `npm start` work with nothing else set up: loopback only, no API key, data in ./fakescope-data.
 */
const Upload = Type.Object(
  {
    maxBytes: Type.Integer({ minimum: 1, default: 512 * 1024 * 1024, description: 'Largest accepted upload, bytes (larger: 413).' }),
    maxDurationS: Type.Number({ exclusiveMinimum: 0, default: 1800, description: 'Longest accepted upload, seconds of video (longer: 422).' }),
  },
  { additionalProperties: false, default: {} },
);

const Urls = Type.Object(
  {
    allowedSchemes: Type.Array(
      Type.Union([
        Type.Literal('http'),
        Type.Literal('https'),
        Type.Literal('rtmp'),
        Type.Literal('rtmps'),
        Type.Literal('rtsp'),
        Type.Literal('rtsps'),
        Type.Literal('srt'),
        Type.Literal('udp'),
      ]),
      { default: ['http', 'https', 'rtmp', 'rtmps', 'rtsp', 'rtsps'], description: 'URL schemes a client may ask the server to open.' },
    ),
    allowPrivateAddresses: Type.Boolean({
      default: false,
      description: 'Allow URLs whose host resolves to loopback, private, link-local or other non-public addresses.',
    }),
    allowAddresses: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Non-public addresses that are allowed anyway, e.g. an internal camera: "10.0.0.5" (any port), "10.0.0.5:554", "[fd00::5]:8000".',
    }),
    resolveTimeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'DNS resolution timeout for stream URLs.' }),
  },
  { additionalProperties: false, default: {} },
);

const Feed = Type.Object(
  {
    replayMessages: Type.Integer({ minimum: 1, default: 600, description: 'Messages kept per analysis for resume after reconnect (overlays excluded).' }),
    overlayEveryMs: Type.Integer({ minimum: 0, default: 500, description: 'Minimum media time between two overlay images; 0 disables overlays.' }),
    overlayFormat: Type.Union([Type.Literal('jpeg'), Type.Literal('webp')], { default: 'jpeg', description: 'Overlay image format.' }),
    overlayQuality: Type.Integer({ minimum: 1, maximum: 100, default: 70, description: 'Overlay JPEG/WebP quality.' }),
    lagBytes: Type.Integer({ minimum: 1024, default: 1024 * 1024, description: 'Socket buffered bytes above which overlays are dropped for that client (it is sent a lagging notice).' }),
    maxBufferedBytes: Type.Integer({ minimum: 4096, default: 8 * 1024 * 1024, description: 'Socket buffered bytes above which a client is disconnected (close 4008).' }),
    clientMessagesPerS: Type.Number({ exclusiveMinimum: 0, default: 5, description: 'Client messages (resume, ping) per second allowed per feed client after the burst; more: close 4429.' }),
    clientMessageBurst: Type.Integer({ minimum: 1, default: 20, description: 'Client messages a feed client may send at once.' }),
    maxClientMessageBytes: Type.Integer({ minimum: 64, default: 1024, description: 'Largest client message on the feed; larger: close 4400.' }),
    maxClientsPerAnalysis: Type.Integer({ minimum: 1, default: 100, description: 'Feed clients per analysis; more are refused (close 4503).' }),
  },
  { additionalProperties: false, default: {} },
);

const Alerts = Type.Object(
  {
    windowFrames: Type.Integer({ minimum: 3, default: 120, description: 'Frames in the rolling epistemic baseline per track and detector.' }),
    minBaselineFrames: Type.Integer({ minimum: 3, default: 15, description: 'Baseline frames needed before alerts can open.' }),
    openZ: Type.Number({ exclusiveMinimum: 0, default: 4, description: 'Robust z-score ((x − median) / (1.4826·MAD)) that opens an alert.' }),
    closeZ: Type.Number({ minimum: 0, default: 2, description: 'Robust z-score below which an open alert closes (hysteresis).' }),
    minScale: Type.Number({ exclusiveMinimum: 0, default: 0.005, description: 'Floor of the robust scale, nats (a flat baseline does not make every wiggle a spike).' }),
    minDurationMs: Type.Integer({ minimum: 0, default: 300, description: 'A spike must last this long (media time) to open an alert.' }),
    closeAfterMs: Type.Integer({ minimum: 0, default: 300, description: 'An alert closes after this long below closeZ.' }),
  },
  { additionalProperties: false, default: {} },
);

const Webhook = Type.Object(
  {
    url: Type.String({ description: 'http(s) URL that receives alert events as JSON POSTs.' }),
    secret: Type.String({ default: '', description: 'HMAC-SHA256 key; the hex signature is sent as X-Fakescope-Signature: sha256=<hex>.' }),
  },
  { additionalProperties: false },
);

const Webhooks = Type.Object(
  {
    targets: Type.Array(Webhook, { default: [], description: 'Webhook receivers of alert events.' }),
    maxQueue: Type.Integer({ minimum: 1, default: 200, description: 'Pending deliveries per target; the oldest is dropped (and counted) beyond this.' }),
    maxAttempts: Type.Integer({ minimum: 1, default: 5, description: 'Attempts per delivery.' }),
    backoffMs: Type.Integer({ minimum: 1, default: 500, description: 'First retry delay; doubles per attempt.' }),
    timeoutMs: Type.Integer({ minimum: 1, default: 5000, description: 'Per-attempt request timeout.' }),
  },
  { additionalProperties: false, default: {} },
);

const Reconnect = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 0, default: 5, description: 'Reconnection attempts per outage of a live stream URL (0: none; the analysis ends at the first drop).' }),
    initialDelayMs: Type.Integer({ minimum: 1, default: 500, description: 'Delay before the first attempt; doubles per attempt.' }),
    maxDelayMs: Type.Integer({ minimum: 1, default: 8000, description: 'Longest delay between attempts.' }),
  },
  { additionalProperties: false, default: {} },
);

const Cluster = Type.Object(
  {
    prefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$', default: 'fakescope', description: 'Prefix of every Redis key (queue, feeds, control): clusters sharing one Redis need different prefixes.' }),
    lockMs: Type.Integer({ minimum: 1000, default: 30_000, description: 'How long a worker holds a job without renewing its lock; a worker silent this long is presumed dead and its job is taken over.' }),
    stalledCheckMs: Type.Integer({ minimum: 500, default: 15_000, description: 'How often workers look for jobs whose lock expired (stalled jobs).' }),
    maxTakeovers: Type.Integer({ minimum: 0, default: 3, description: 'Times one analysis may be taken over after its worker died; one more and it fails (a clip that kills every worker must not go round forever).' }),
    feedMaxLen: Type.Integer({ minimum: 100, default: 10_000, description: 'Messages kept per feed in its Redis stream (XADD MAXLEN ~): how far back a client can resume.' }),
    feedTtlS: Type.Integer({ minimum: 1, default: 3600, description: 'How long a finished analysis\' feed stays in Redis for late clients.' }),
    blockMs: Type.Integer({ minimum: 10, default: 2000, description: 'XREAD BLOCK time of an API node\'s feed reader (how soon it notices a closed feed).' }),
    healthTimeoutMs: Type.Integer({ minimum: 50, default: 1500, description: 'How long /api/health waits for Redis and the database before reporting them unreachable; an API call waits twice this for Redis before answering 503.' }),
  },
  { additionalProperties: false, default: {}, description: 'Cluster mode (fakescope serve/worker with --redis and --database; docs/operations.md). Ignored by the single-process server.' },
);

export const ServerConfigSchema = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', description: 'Listen address.' }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'Listen port (0: any free port).' }),
    apiKeys: Type.Array(Type.String({ minLength: 8 }), {
      default: [],
      description: 'Accepted API keys (header X-API-Key, or ?key= on WebSockets and downloads); empty: no authentication.',
    }),
    dataDir: Type.String({ default: 'fakescope-data', description: 'Where analyses, uploads, alerts and reports are stored.' }),
    maxActiveAnalyses: Type.Integer({ minimum: 1, default: 8, description: 'Analyses running at once; more are refused with 503.' }),
    minFreeBytes: Type.Integer({
      minimum: 0,
      default: 100 * 1024 * 1024,
      description: 'Free space the data directory must keep: new analyses and uploads that would leave less are refused with 507 (E_DISK_FULL).',
    }),
    checkpointMs: Type.Integer({ minimum: 100, default: 5000, description: 'How often a running analysis saves its partial report.' }),
    upload: Upload,
    urls: Urls,
    feed: Feed,
    alerts: Alerts,
    webhooks: Webhooks,
    reconnect: Reconnect,
    cluster: Cluster,
  },
  { additionalProperties: false, default: {} },
);

export type ServerConfig = Static<typeof ServerConfigSchema>;
