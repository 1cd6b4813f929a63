import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/config.ts';
import { TEST_TEMPLATE_CACHE } from '../../src/engines/compose/test-helpers.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.ts';
import { buildApp } from '../../src/http/app.ts';
import { startWorker, type WorkerHandle } from '../../src/jobs/worker.ts';
import { createLogger } from '../../src/logger.ts';
import { startRuntime, type Runtime } from '../../src/runtime.ts';

export { REFERENCE_DIR, referencePath } from './reference.ts';

/**
 * A port nothing listens on, for a server a test starts in another process. Drawn at random below the
 * kernel's ephemeral range: a port the kernel hands out (a `listen(0)` probe) is also what it hands
 * out next as the source port of some outgoing connection, and with two suites running side by side a
 * fresh-clone run saw the embedded PostgreSQL's port taken that way before the child process bound it.
 */
export async function freePort(): Promise<number> {
  const ephemeralLow = Number(readFileSyncSafe('/proc/sys/net/ipv4/ip_local_port_range').split(/\s+/)[0]) || 32768;
  const low = 10_000;
  const high = Math.max(low + 1000, ephemeralLow - 1);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await bindable(port)) return port;
  }
  return listenOnAny();
}

function readFileSyncSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function listenOnAny(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function tempDir(prefix = 'atelier-test-'): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), prefix));
}

/** A real PostgreSQL for one test file, in a temp dir that is removed afterwards. */
export async function startTestDatabase(): Promise<EmbeddedDatabase & { dir: string }> {
  const dir = await tempDir('atelier-pg-');
  // PostgreSQL runs as the 'postgres' user when we are root: it must be able to enter the folder.
  await chmod(dir, 0o755);
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), port: await freePort() });
  return {
    ...db,
    dir,
    async stop() {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function testEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WORKER_HEARTBEAT_MS: '200',
    WORKER_DEAD_AFTER_MS: '1500',
    RATE_LIMIT_MAX: '100000',
    RATE_LIMIT_RENDERS_MAX: '100000',
    // Suites order hundreds of renders from one address; the caps have their own fault test.
    RENDER_QUEUE_MAX_PER_CLIENT: '100000',
    // Shared by every suite: templates are rasterised once per machine, not once per test file.
    TEMPLATE_CACHE_DIR: TEST_TEMPLATE_CACHE,
    // Shipped defaults (3 s to get a connection, 5 s per statement) are for a healthy server; a test
    // machine running two suites with their own PostgreSQL beside other builds is not one, and a
    // render whose job failed on a slow connect waits out graphile-worker's backoff. The fault suite
    // sets short ones where timeouts are what it tests.
    DB_ACQUIRE_TIMEOUT_MS: '30000',
    DB_STATEMENT_TIMEOUT_MS: '60000',
    // /readyz once called a healthy store unreachable when a probe write took over 3 s at load 25.
    READY_CHECK_TIMEOUT_MS: '20000',
    // Suites start dozens of apps: the whole catalogue's cloth made ahead after each one's first
    // preview would be a second of CPU each, for taps no test makes. Its own tests turn it on.
    CLOTH_AHEAD_COLOURS: '0',
    ...extra,
  };
}

export interface TestApp {
  config: Config;
  rt: Runtime;
  app: FastifyInstance;
  url: string;
  worker?: WorkerHandle;
  close(): Promise<void>;
}

/** The whole server (API + optional in-process worker) on a random port against `databaseUrl`. */
export async function startTestApp(options: { databaseUrl: string; env?: Record<string, string>; worker?: boolean; seedDemo?: boolean }): Promise<TestApp> {
  const filesDir = await tempDir('atelier-files-');
  const config = loadConfig(testEnv({ DATABASE_URL: options.databaseUrl, FILES_DIR: filesDir, PORT: '0', HOST: '127.0.0.1', ...options.env }));
  const rt = await startRuntime(config, createLogger(config), { seedDemo: options.seedDemo ?? true });
  const app = await buildApp(rt);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as net.AddressInfo).port}`;
  const worker = options.worker === false ? undefined : await startWorker(rt);
  return {
    config,
    rt,
    app,
    url,
    worker,
    async close() {
      await app.close();
      await worker?.stop();
      await rt.close();
      await rm(filesDir, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A render of `t` once it has succeeded (its JSON); throws at once with its error if it failed. */
export async function waitForRender(t: { url: string }, id: string, timeoutMs = 60_000): Promise<any> {
  return waitFor(async () => {
    const r = await json(await fetch(`${t.url}/api/renders/${id}`));
    if (r.status === 'failed') throw new Error(`render failed: ${r.error}`);
    return r.status === 'succeeded' ? r : undefined;
  }, timeoutMs);
}

export async function json<T = any>(res: Response): Promise<T> {
  const text = await res.text();
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`expected JSON, got ${res.status}: ${text.slice(0, 300)}`);
  }
}
