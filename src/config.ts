import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import type { StorageConfig } from './storage/index.ts';

/**
 * The whole configuration, read once from the environment (and an optional .env file) and passed
 * around as a value. No other module reads process.env.
 */

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' }).transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { message: `expected a whole number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    );

const num = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+(\.\d+)?$/, { message: `expected a number between ${min} and ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { message: `expected at least ${min}` })
        .max(max, { message: `expected at most ${max}` }),
    );

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { message: 'expected development, production or test' }).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(8080),
  // Only behind a reverse proxy: trust X-Forwarded-For from it (true, or its addresses, comma-separated).
  TRUST_PROXY: z.string().default('false'),
  PUBLIC_BASE_URL: z.union([z.literal(''), z.url({ message: 'expected an absolute URL such as https://atelier.example.com' })]).default(''),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// or postgresql:// URL' })
    .optional(),
  EMBEDDED_PG_PORT: int(1024, 65535).default(54329),
  DB_POOL_MAX: int(1, 200).default(10),
  // A stalled or unreachable database must turn into a quick 503, never a hung request.
  DB_ACQUIRE_TIMEOUT_MS: int(100, 600_000).default(3_000),
  DB_STATEMENT_TIMEOUT_MS: int(100, 3_600_000).default(5_000),

  STORAGE: z.enum(['local', 's3'], { message: 'expected local or s3' }).default('local'),
  FILES_DIR: z.string().min(1).optional(),
  S3_BUCKET: z.string().min(3).optional(),
  S3_REGION: z.string().min(1).default('auto'),
  S3_ENDPOINT: z.url({ message: 'expected an absolute URL' }).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_FORCE_PATH_STYLE: bool.default(true),
  S3_PUBLIC_BASE_URL: z.url({ message: 'expected an absolute URL' }).optional(),

  CORS_ORIGINS: csv.default([]),
  BODY_LIMIT_BYTES: int(1024, 100 * 1024 * 1024).default(1024 * 1024),
  HTTP_REQUEST_TIMEOUT_MS: int(1000, 3_600_000).default(60_000),
  READY_CHECK_TIMEOUT_MS: int(100, 600_000).default(3_000),
  RENDER_QUEUE_MAX_PER_CLIENT: int(1, 1_000_000).default(60),
  RENDER_QUEUE_MAX: int(1, 10_000_000).default(2_000),
  SSE_MAX_PER_CLIENT: int(1, 100_000).default(20),
  SSE_MAX: int(1, 1_000_000).default(2_000),
  STORAGE_MIN_FREE_MB: int(0, 10_000_000).default(512),
  UPLOAD_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(5 * 1024 * 1024),
  UPLOAD_MAX_PIXELS: int(10_000, 500_000_000).default(40_000_000),
  RATE_LIMIT_MAX: int(1, 1_000_000).default(600),
  RATE_LIMIT_RENDERS_MAX: int(1, 1_000_000).default(120),
  RATE_LIMIT_WINDOW_MS: int(1000, 3_600_000).default(60_000),
  RENDER_MAX_CUTS: int(1, 20).default(6),
  LOOK_EXPIRY_DAYS: int(1, 3650).default(30),

  RUN_WORKER: bool.default(true),
  ENGINES: csv.pipe(z.array(z.enum(['compose', 'comfyui'])).min(1, { message: 'expected at least one engine' })).default(['compose']),
  WORKER_CONCURRENCY: int(1, 64).default(2),
  WORKER_HEARTBEAT_MS: int(100, 600_000).default(5_000),
  WORKER_DEAD_AFTER_MS: int(500, 3_600_000).default(30_000),
  JOB_MAX_ATTEMPTS: int(1, 25).default(3),
  TEXTURE_CACHE_MB: int(8, 4096).default(128),
  // The render service's threads (src/rendering): unset = WORKER_CONCURRENCY.
  RENDER_THREADS: int(1, 64).optional(),
  RENDER_THREAD_QUEUE_MAX: int(1, 100_000).default(64),
  TEMPLATE_MEMORY_MB: int(16, 8192).default(256),
  SWATCH_TILE_CACHE_MB: int(4, 4096).default(64),
  // Memory of the WebAssembly cloth loop per render thread (view levels and tiles kept there); 0 = the JavaScript loop.
  RENDER_LOOP_MEMORY_MB: int(0, 4096).default(128),
  // Rasterised template pieces (panels, marks, shading layers) kept per render thread and frame size, so a
  // style option's first preview redraws only what it changes; and whether threads draft the presets ahead.
  DRAFT_MEMORY_MB: int(0, 4096).default(64),
  DRAFT_AHEAD: bool.default(true),
  DRAFT_AHEAD_MB: int(0, 4096).default(96),
  DRAFT_AHEAD_QUIET_MS: int(0, 60_000).default(250),
  // Work done ahead of the taps (styles drafted, cloth made) runs on one extra thread at this CPU
  // niceness (19 = lowest priority), never on the render threads; off = on the render threads, between renders.
  RENDER_BACKGROUND_THREAD: bool.default(true),
  RENDER_BACKGROUND_NICE: int(0, 19).default(19),
  SHARED_TEXTURE_MB: int(1, 4096).default(32),
  // After a replica's first live preview, the preview-scale cloth of this many of the catalogue's other colours is made ahead.
  CLOTH_AHEAD_COLOURS: int(0, 100_000).default(600),
  // Uploaded photos decoded at once (unset: RENDER_THREADS - 1, at least 1) and waiting; beyond, 503.
  UPLOAD_DECODES_MAX: int(1, 64).optional(),
  UPLOAD_DECODES_WAITING_MAX: int(0, 1000).default(4),
  // Fast path: a preview-only POST /api/renders renders on the replica that received it.
  PREVIEW_DIRECT: bool.default(true),
  // The live preview's memory of orders → finished renders (answered without a database read).
  PREVIEW_MEMORY_MB: num(0, 1024).default(8),
  PREVIEW_INLINE_MAX_KB: num(0, 4096).default(192),
  // The images of previews this replica drew lately, kept to answer another tablet's tap inline.
  PREVIEW_IMAGE_MEMORY_MB: num(0, 4096).default(32),
  TEMPLATE_CACHE_DIR: z.string().min(1).optional(),
  // Drawn templates (one per cut, view and style options) kept in memory per render thread, and on disk.
  TEMPLATE_MEMORY_VIEWS: int(1, 256).default(8),
  TEMPLATE_DISK_VIEWS: int(1, 100_000).default(96),
  // Fault injection for tests only (ignored unless NODE_ENV=test): makes each render last this long.
  TEST_RENDER_DELAY_MS: int(0, 600_000).default(0),
  SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(20_000),

  WATERMARK_TEXT: z.string().max(80).default('ATELIER · PREVIEW'),
  WATERMARK_OPACITY: num(0, 1).default(0.35),
  WATERMARK_POSITION: z.enum(['bottom-right', 'bottom-left', 'top-right', 'top-left', 'center']).default('bottom-right'),

  JWT_SECRET: z.string().optional(),
  ADMIN_PASSWORD: z.string().min(8, { message: 'expected at least 8 characters' }).optional(),
  ADMIN_EMAIL: z
    .email({ message: 'expected an email address' })
    .transform((v) => v.toLowerCase())
    .default('admin@atelier.local'),
  SESSION_TTL_HOURS: num(0.01, 24 * 90).default(12),
  DEVICE_SESSION_TTL_DAYS: num(0.01, 400).default(30),
  // A verified session is trusted this long without reading the database (0 = never); revocations
  // reach it at once through NOTIFY, this is the bound when notifications are lost.
  SESSION_CACHE_MS: int(0, 60_000).default(5000),
  SESSION_CACHE_ENTRIES: int(0, 1_000_000).default(10_000),
  LEGACY_API: z.enum(['open', 'session'], { message: 'expected open or session' }).optional(),
  LOGIN_MAX_FAILURES: int(1, 1000).default(5),
  LOGIN_IP_MAX_FAILURES: int(1, 100_000).default(30),
  LOGIN_LOCK_MINUTES: num(0.01, 24 * 60).default(15),
  LOGIN_RATE_LIMIT_MAX: int(1, 100_000).default(20),
  PASSWORD_MIN_LENGTH: int(8, 256).default(10),
  PASSWORD_MIN_STRENGTH: int(0, 4).default(3),
  ADMIN_UPLOAD_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  CATALOG_IMPORT_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  // The GPU engine (src/engines/comfyui). COMFYUI_URL is the older single-server spelling.
  COMFYUI_URL: z.url({ message: 'expected an absolute URL such as http://gpu-1:8188' }).optional(),
  COMFYUI_URLS: csv.pipe(z.array(z.url({ message: 'expected absolute URLs such as http://gpu-1:8188,http://gpu-2:8188' }))).optional(),
  COMFYUI_WORKFLOWS_DIR: z.string().min(1).optional(),
  // The replaced system's recipe (fabrics.json default_recipe: cfg 6.5, 20 steps, its prompts).
  COMFYUI_CHECKPOINT: z.string().min(1).default('sd_xl_base_1.0.safetensors'),
  COMFYUI_IPADAPTER_PRESET: z.string().min(1).default('PLUS (high strength)'),
  COMFYUI_IPADAPTER_WEIGHT: num(0, 3).default(0.6),
  COMFYUI_CONTROLNET: z.string().min(1).default('controlnet-canny-sdxl-1.0.safetensors'),
  COMFYUI_CONTROLNET_STRENGTH: num(0, 2).default(0.45),
  COMFYUI_STEPS: int(1, 150).default(20),
  COMFYUI_CFG: num(1, 30).default(6.5),
  COMFYUI_DENOISE: num(0.01, 1).default(0.35),
  COMFYUI_SAMPLER: z.string().min(1).default('dpmpp_2m'),
  COMFYUI_SCHEDULER: z.string().min(1).default('karras'),
  COMFYUI_SEED: int(0, 4_294_967_295).default(42),
  COMFYUI_PROMPT: z.string().max(2000).default('studio full body, hyperrealistic, high-end catalogue lighting, tailored wool suit'),
  COMFYUI_NEGATIVE_PROMPT: z.string().max(2000).default('blur, distortion, deformed hands, artifacts, lowres'),
  COMFYUI_REQUEST_TIMEOUT_MS: int(100, 600_000).default(15_000),
  COMFYUI_QUEUE_TIMEOUT_MS: int(100, 3_600_000).default(600_000),
  COMFYUI_IDLE_TIMEOUT_MS: int(100, 3_600_000).default(60_000),
  COMFYUI_RUN_TIMEOUT_MS: int(100, 3_600_000).default(300_000),
  COMFYUI_RETRIES: int(0, 20).default(3),
  COMFYUI_RETRY_BACKOFF_MS: int(1, 60_000).default(500),
  COMFYUI_SERVER_TRIES: int(1, 20).default(2),
  COMFYUI_HEALTH_TTL_MS: int(0, 600_000).default(5_000),
  COMFYUI_MAX_DELTA_E: num(0.1, 100).default(3),
  COMFYUI_FALLBACK_DELTA_E: num(0.1, 100).default(10),
  COMFYUI_PATTERN_TOLERANCE: num(0.01, 2).default(0.3),

  METRICS_TOKEN: z.string().min(16, { message: 'expected at least 16 characters' }).optional(),
  WORKER_METRICS_PORT: int(0, 65535).optional(),

  RETENTION_ENABLED: bool.default(true),
  RETENTION_CRON: z
    .string()
    .regex(/^\S+ \S+ \S+ \S+ \S+$/, { message: 'expected a crontab schedule such as "17 3 * * *"' })
    .default('17 3 * * *'),
  RETENTION_FAILED_RENDERS_DAYS: int(0, 3650).default(7),
  RETENTION_UNUSED_RENDERS_DAYS: int(0, 3650).default(0),
  // 20 GiB of stored render images by default: renders are a cache, the disk is not.
  RETENTION_RENDERS_MAX_BYTES: int(0, Number.MAX_SAFE_INTEGER).default(20 * 1024 ** 3),
  RETENTION_EXPIRED_LOOKS_DAYS: int(0, 3650).default(30),
  STUDIO_RETENTION_DAYS: int(0, 3650).default(30),
  STUDIO_PHOTO_MAX_PIXELS: int(100_000, 100_000_000).default(12_600_000),
  STUDIO_MASK_MAX_BYTES: int(1024, 100 * 1024 * 1024).default(8 * 1024 * 1024),
  STUDIO_MASK_WORK_SIDE: int(64, 2048).default(256),
  STUDIO_INPAINT_RADIUS: int(1, 20).default(3),
  STUDIO_ASSUMED_HEIGHT_MM: int(300, 5000).default(1800),
  RETENTION_SWATCH_UPLOADS_DAYS: int(0, 3650).default(30),
  RETENTION_ORPHAN_FILES_HOURS: int(0, 24 * 3650).default(24),

  GIT_COMMIT: z.string().optional(),
  BUILD_TIME: z.string().optional(),
});

type Env = z.infer<typeof envSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicBaseUrl: string;
  trustProxy: boolean | string;
  logLevel: Env['LOG_LEVEL'];
  dataDir: string;
  database: {
    url?: string;
    embeddedPort: number;
    embeddedDir: string;
    poolMax: number;
    /** How long a request waits for a connection (pool slot and connect) before a 503. */
    acquireTimeoutMs: number;
    /** Server-side statement_timeout; the client gives up a second later (a stalled server). */
    statementTimeoutMs: number;
  };
  storage: StorageConfig;
  http: {
    corsOrigins: string[];
    bodyLimitBytes: number;
    rateLimitMax: number;
    rateLimitRendersMax: number;
    rateLimitWindowMs: number;
    /** Headers and body must arrive within this (slow-drip bodies are cut). */
    requestTimeoutMs: number;
    /** Each /readyz check (database, storage, GPU servers) must answer within this. */
    readyCheckTimeoutMs: number;
    /** Open server-sent event streams per client IP, and in all. */
    sseMaxPerClient: number;
    sseMax: number;
  };
  uploads: { maxBytes: number; maxPixels: number };
  renders: {
    maxCuts: number;
    /** Renders waiting or running, ordered by one client IP, and in all. */
    queueMaxPerClient: number;
    queueMax: number;
  };

  looks: { expiryDays: number };
  /** The client photo studio (src/studio). Uploads also obey `uploads` (bytes, pixels). */
  studio: {
    /** Photos with more pixels are scaled down to this when stored: a render's memory and time stay bounded. */
    photoMaxPixels: number;
    /** Decoded bytes of a painted mask (base64 in JSON bodies, or a multipart file). */
    maskMaxBytes: number;
    /** Long side of the working copy the suggested mask is computed on. */
    maskWorkSide: number;
    /** Telea's neighbourhood radius, px. */
    inpaintRadius: number;
    /** Without a scale, a photo is taken to show this many mm from top to bottom. */
    assumedHeightMm: number;
  };
  /**
   * The replaced front end's API (src/legacy): 'open' answers without a session, as that front end
   * expects; 'session' wants a signed-in account like the rest. Open by default except in production.
   */
  legacyApi: 'open' | 'session';
  worker: {
    enabledInServe: boolean;
    engines: Array<'compose' | 'comfyui'>;
    concurrency: number;
    heartbeatMs: number;
    deadAfterMs: number;
    maxAttempts: number;
    textureCacheBytes: number;
    /** Rasterised garment templates, so a new process starts rendering in milliseconds. */
    templateCacheDir: string;
    /** Drawn templates kept in memory per render thread (~16 MB each) and on disk (the least recently written go). */
    templateMemoryViews: number;
    templateDiskViews: number;
    testRenderDelayMs: number;
  };
  rendering: {
    threads: number;
    maxQueue: number;
    templateCacheBytes: number;
    tileCacheBytes: number;
    /** The WebAssembly cloth loop's resident memory per thread; 0 = the JavaScript loop. */
    clothLoopBytes: number;
    draftMemoBytes: number;
    draftAhead: boolean;
    draftAheadBytes: number;
    draftAheadQuietMs: number;
    /** Work done ahead on a thread of its own at this niceness, or on the render threads (false). */
    backgroundThread: { nice: number } | false;
    /** Cloth textures a render thread made, kept to hand to the others (shared memory). */
    sharedTextureBytes: number;
    /** Catalogue colours beyond the family on screen whose preview cloth a replica makes ahead (0 = the family's only). */
    clothAheadColours: number;
    previewDirect: boolean;
    /** Bytes of the live preview's memory (order → cache keys → finished renders); 0 = off. */
    previewMemoryBytes: number;
    /** A preview drawn for the request that asked for it, up to this size, travels inside the answer; 0 = never. */
    previewInlineMaxBytes: number;
    /** Bytes of preview images kept in memory (those this replica drew) to answer cached taps inline; 0 = off. */
    previewImageMemoryBytes: number;
    maxUploadDecodes?: number;
    maxUploadsWaiting: number;
  };
  shutdownTimeoutMs: number;
  watermark: { text: string; opacity: number; position: Env['WATERMARK_POSITION'] };
  auth: {
    jwtSecret?: string;
    adminPassword?: string;
    /** The account ADMIN_PASSWORD keeps (created at start when missing). */
    adminEmail: string;
    sessionTtlHours: number;
    /** Associates' sessions: a showroom tablet stays signed in this long. */
    deviceSessionTtlDays: number;
    /** How long a verified session is trusted without a database read (0 = never), and how many are kept. */
    sessionCacheMs: number;
    sessionCacheEntries: number;
    /**
     * Failed sign-ins for one account from one client, and from one client over all accounts, within
     * loginLockMinutes; past either, that client waits out the rest of the window.
     */
    loginMaxFailures: number;
    loginIpMaxFailures: number;
    loginLockMinutes: number;
    /** Login attempts per client IP per RATE_LIMIT_WINDOW_MS. */
    loginRateLimitMax: number;
    passwordMinLength: number;
    /** zxcvbn score (0–4) a new password must reach; 0 turns the estimate off. */
    passwordMinStrength: number;
  };
  admin: { uploadMaxBytes: number; importMaxBytes: number };
  /** Its first server, for the admin's config page. */
  comfyuiUrl?: string;
  /** The GPU engine; absent when no ComfyUI server is configured. */
  comfyui?: ComfyuiConfig;
  metrics: { token?: string; workerPort?: number };
  /**
   * What the retention job removes and after how long; 0 turns a rule off. See src/ops/retention.ts.
   */
  retention: {
    enabled: boolean;
    cron: string;
    failedRendersDays: number;
    unusedRendersDays: number;
    /** Bytes of render images kept at most; beyond it the least recently used renders no look shows go. */
    rendersMaxBytes: number;
    expiredLooksDays: number;
    studioPhotosDays: number;
    swatchUploadsDays: number;
    orphanFilesHours: number;
  };
  build: { commit?: string; time?: string };
}

export interface ComfyuiConfig {
  urls: string[];
  /** Where refine.json and generate.json are read from (default: workflows/comfyui in the project). */
  workflowsDir?: string;
  /** Workflow defaults, each overridable per request (within the request schema's bounds). */
  defaults: {
    checkpoint: string;
    ipadapterPreset: string;
    ipadapterWeight: number;
    controlnet: string;
    controlnetStrength: number;
    steps: number;
    cfg: number;
    denoise: number;
    sampler: string;
    scheduler: string;
    seed: number;
    prompt: string;
    negativePrompt: string;
  };
  timeouts: { requestMs: number; queueMs: number; idleMs: number; runMs: number };
  retries: number;
  backoffMs: number;
  /** Servers one render tries (the next healthy one after a lost or unreachable server). */
  serverTries: number;
  /** How long a server's /system_stats answer (or failure) is trusted. */
  healthTtlMs: number;
  fidelity: {
    /** Past this ΔE2000 of the garment's de-shaded colour, the compose chroma is blended back. */
    maxDeltaE: number;
    /** Past this (or a pattern period off by more than patternTolerance), the compose image is kept. */
    fallbackDeltaE: number;
    patternTolerance: number;
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function environmentWithDotenv(env: NodeJS.ProcessEnv, cwd = process.cwd()): Record<string, string | undefined> {
  const file = path.join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

function comfyuiConfig(e: Env): ComfyuiConfig | undefined {
  const urls = [...new Set([...(e.COMFYUI_URLS ?? []), ...(e.COMFYUI_URL ? [e.COMFYUI_URL] : [])])].map((u) => u.replace(/\/+$/, ''));
  if (!urls.length) {
    if (e.ENGINES.includes('comfyui')) throw new ConfigError('Invalid configuration: COMFYUI_URLS: required when ENGINES lists comfyui');
    return undefined;
  }
  if (e.COMFYUI_FALLBACK_DELTA_E < e.COMFYUI_MAX_DELTA_E) {
    throw new ConfigError('Invalid configuration: COMFYUI_FALLBACK_DELTA_E: expected at least COMFYUI_MAX_DELTA_E');
  }
  return {
    urls,
    workflowsDir: e.COMFYUI_WORKFLOWS_DIR ? path.resolve(e.COMFYUI_WORKFLOWS_DIR) : undefined,
    defaults: {
      checkpoint: e.COMFYUI_CHECKPOINT,
      ipadapterPreset: e.COMFYUI_IPADAPTER_PRESET,
      ipadapterWeight: e.COMFYUI_IPADAPTER_WEIGHT,
      controlnet: e.COMFYUI_CONTROLNET,
      controlnetStrength: e.COMFYUI_CONTROLNET_STRENGTH,
      steps: e.COMFYUI_STEPS,
      cfg: e.COMFYUI_CFG,
      denoise: e.COMFYUI_DENOISE,
      sampler: e.COMFYUI_SAMPLER,
      scheduler: e.COMFYUI_SCHEDULER,
      seed: e.COMFYUI_SEED,
      prompt: e.COMFYUI_PROMPT,
      negativePrompt: e.COMFYUI_NEGATIVE_PROMPT,
    },
    timeouts: {
      requestMs: e.COMFYUI_REQUEST_TIMEOUT_MS,
      queueMs: e.COMFYUI_QUEUE_TIMEOUT_MS,
      idleMs: e.COMFYUI_IDLE_TIMEOUT_MS,
      runMs: e.COMFYUI_RUN_TIMEOUT_MS,
    },
    retries: e.COMFYUI_RETRIES,
    backoffMs: e.COMFYUI_RETRY_BACKOFF_MS,
    serverTries: e.COMFYUI_SERVER_TRIES,
    healthTtlMs: e.COMFYUI_HEALTH_TTL_MS,
    fidelity: { maxDeltaE: e.COMFYUI_MAX_DELTA_E, fallbackDeltaE: e.COMFYUI_FALLBACK_DELTA_E, patternTolerance: e.COMFYUI_PATTERN_TOLERANCE },
  };
}

export function loadConfig(rawEnv: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as they do in most deployment tools' env editors.
  const cleaned = Object.fromEntries(Object.entries(rawEnv).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const got = cleaned[name];
      const shown = /SECRET|PASSWORD|KEY/.test(name) ? '' : got !== undefined ? ` (got "${got}")` : '';
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  const e = parsed.data;

  if (e.NODE_ENV === 'production' && (!e.JWT_SECRET || e.JWT_SECRET.length < 32)) {
    throw new ConfigError('Invalid configuration: JWT_SECRET: expected at least 32 characters outside development');
  }
  if (e.JWT_SECRET !== undefined && e.JWT_SECRET.length < 32 && e.NODE_ENV !== 'development' && e.NODE_ENV !== 'test') {
    throw new ConfigError('Invalid configuration: JWT_SECRET: expected at least 32 characters');
  }

  const dataDir = path.resolve(e.DATA_DIR);
  let storage: Config['storage'];
  if (e.STORAGE === 's3') {
    for (const name of ['S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (!e[name]) throw new ConfigError(`Invalid configuration: ${name}: required when STORAGE=s3`);
    }
    storage = {
      driver: 's3',
      bucket: e.S3_BUCKET!,
      region: e.S3_REGION,
      endpoint: e.S3_ENDPOINT,
      accessKeyId: e.S3_ACCESS_KEY_ID!,
      secretAccessKey: e.S3_SECRET_ACCESS_KEY!,
      forcePathStyle: e.S3_FORCE_PATH_STYLE,
      publicBaseUrl: e.S3_PUBLIC_BASE_URL,
    };
  } else {
    storage = {
      driver: 'local',
      root: path.resolve(e.FILES_DIR ?? path.join(dataDir, 'files')),
      publicBaseUrl: e.PUBLIC_BASE_URL,
      minFreeBytes: e.STORAGE_MIN_FREE_MB * 1024 * 1024,
    };
  }

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: e.PUBLIC_BASE_URL,
    trustProxy: e.TRUST_PROXY === 'true' ? true : e.TRUST_PROXY === 'false' ? false : e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    dataDir,
    database: {
      url: e.DATABASE_URL,
      embeddedPort: e.EMBEDDED_PG_PORT,
      embeddedDir: path.join(dataDir, 'pg'),
      poolMax: e.DB_POOL_MAX,
      acquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
    },
    storage,
    http: {
      corsOrigins: e.CORS_ORIGINS,
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      rateLimitMax: e.RATE_LIMIT_MAX,
      rateLimitRendersMax: e.RATE_LIMIT_RENDERS_MAX,
      rateLimitWindowMs: e.RATE_LIMIT_WINDOW_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      readyCheckTimeoutMs: e.READY_CHECK_TIMEOUT_MS,
      sseMaxPerClient: e.SSE_MAX_PER_CLIENT,
      sseMax: e.SSE_MAX,
    },
    uploads: { maxBytes: e.UPLOAD_MAX_BYTES, maxPixels: e.UPLOAD_MAX_PIXELS },
    renders: {
      maxCuts: e.RENDER_MAX_CUTS,
      queueMaxPerClient: e.RENDER_QUEUE_MAX_PER_CLIENT,
      queueMax: e.RENDER_QUEUE_MAX,
    },

    looks: { expiryDays: e.LOOK_EXPIRY_DAYS },
    studio: {
      photoMaxPixels: e.STUDIO_PHOTO_MAX_PIXELS,
      maskMaxBytes: e.STUDIO_MASK_MAX_BYTES,
      maskWorkSide: e.STUDIO_MASK_WORK_SIDE,
      inpaintRadius: e.STUDIO_INPAINT_RADIUS,
      assumedHeightMm: e.STUDIO_ASSUMED_HEIGHT_MM,
    },
    legacyApi: e.LEGACY_API ?? (e.NODE_ENV === 'production' ? 'session' : 'open'),
    worker: {
      enabledInServe: e.RUN_WORKER,
      engines: e.ENGINES,
      concurrency: e.WORKER_CONCURRENCY,
      heartbeatMs: e.WORKER_HEARTBEAT_MS,
      deadAfterMs: e.WORKER_DEAD_AFTER_MS,
      maxAttempts: e.JOB_MAX_ATTEMPTS,
      textureCacheBytes: e.TEXTURE_CACHE_MB * 1024 * 1024,
      templateCacheDir: path.resolve(e.TEMPLATE_CACHE_DIR ?? path.join(dataDir, 'cache', 'templates')),
      templateMemoryViews: e.TEMPLATE_MEMORY_VIEWS,
      templateDiskViews: e.TEMPLATE_DISK_VIEWS,
      testRenderDelayMs: e.NODE_ENV === 'test' ? e.TEST_RENDER_DELAY_MS : 0,
    },
    rendering: {
      threads: e.RENDER_THREADS ?? e.WORKER_CONCURRENCY,
      maxQueue: e.RENDER_THREAD_QUEUE_MAX,
      templateCacheBytes: e.TEMPLATE_MEMORY_MB * 1024 * 1024,
      tileCacheBytes: e.SWATCH_TILE_CACHE_MB * 1024 * 1024,
      clothLoopBytes: e.RENDER_LOOP_MEMORY_MB * 1024 * 1024,
      draftMemoBytes: e.DRAFT_MEMORY_MB * 1024 * 1024,
      draftAhead: e.DRAFT_AHEAD,
      draftAheadBytes: e.DRAFT_AHEAD_MB * 1024 * 1024,
      draftAheadQuietMs: e.DRAFT_AHEAD_QUIET_MS,
      backgroundThread: e.RENDER_BACKGROUND_THREAD ? { nice: e.RENDER_BACKGROUND_NICE } : false,
      sharedTextureBytes: e.SHARED_TEXTURE_MB * 1024 * 1024,
      clothAheadColours: e.CLOTH_AHEAD_COLOURS,
      previewDirect: e.PREVIEW_DIRECT,
      previewMemoryBytes: Math.round(e.PREVIEW_MEMORY_MB * 1024 * 1024),
      previewInlineMaxBytes: Math.round(e.PREVIEW_INLINE_MAX_KB * 1024),
      previewImageMemoryBytes: Math.round(e.PREVIEW_IMAGE_MEMORY_MB * 1024 * 1024),
      maxUploadDecodes: e.UPLOAD_DECODES_MAX,
      maxUploadsWaiting: e.UPLOAD_DECODES_WAITING_MAX,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    watermark: { text: e.WATERMARK_TEXT, opacity: e.WATERMARK_OPACITY, position: e.WATERMARK_POSITION },
    auth: {
      jwtSecret: e.JWT_SECRET,
      adminPassword: e.ADMIN_PASSWORD,
      adminEmail: e.ADMIN_EMAIL,
      sessionTtlHours: e.SESSION_TTL_HOURS,
      deviceSessionTtlDays: e.DEVICE_SESSION_TTL_DAYS,
      sessionCacheMs: e.SESSION_CACHE_MS,
      sessionCacheEntries: e.SESSION_CACHE_ENTRIES,
      loginMaxFailures: e.LOGIN_MAX_FAILURES,
      loginIpMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      loginLockMinutes: e.LOGIN_LOCK_MINUTES,
      loginRateLimitMax: e.LOGIN_RATE_LIMIT_MAX,
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      passwordMinStrength: e.PASSWORD_MIN_STRENGTH,
    },
    admin: { uploadMaxBytes: e.ADMIN_UPLOAD_MAX_BYTES, importMaxBytes: e.CATALOG_IMPORT_MAX_BYTES },
    comfyuiUrl: e.COMFYUI_URLS?.[0] ?? e.COMFYUI_URL,
    comfyui: comfyuiConfig(e),
    metrics: { token: e.METRICS_TOKEN, workerPort: e.WORKER_METRICS_PORT },
    retention: {
      enabled: e.RETENTION_ENABLED,
      cron: e.RETENTION_CRON,
      failedRendersDays: e.RETENTION_FAILED_RENDERS_DAYS,
      unusedRendersDays: e.RETENTION_UNUSED_RENDERS_DAYS,
      rendersMaxBytes: e.RETENTION_RENDERS_MAX_BYTES,
      expiredLooksDays: e.RETENTION_EXPIRED_LOOKS_DAYS,
      studioPhotosDays: e.STUDIO_RETENTION_DAYS,
      swatchUploadsDays: e.RETENTION_SWATCH_UPLOADS_DAYS,
      orphanFilesHours: e.RETENTION_ORPHAN_FILES_HOURS,
    },
    build: { commit: e.GIT_COMMIT, time: e.BUILD_TIME },
  };
}
