import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Logger as GraphileLogger, runMigrations as runGraphileMigrations } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import { bootstrapAdminAccount } from './auth/service.ts';
import { CatalogCache } from './catalog/cache.ts';
import { parseCatalogDocument } from './catalog/catalog-file.ts';
import { importCatalog } from './catalog/import.ts';
import { countFamilies } from './catalog/repository.ts';
import type { Config } from './config.ts';
import { createDb, createPool, migrate, type Db } from './db/database.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.ts';
import type { EngineInfo } from './engines/types.ts';
import { createRenderService, type RenderService } from './rendering/index.ts';
import { RenderEvents } from './renders/events.ts';
import { createStorage } from './storage/index.ts';
import type { Storage } from './storage/types.ts';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_CATALOG = path.join(PROJECT_ROOT, 'catalog', 'demo.json');

/** Everything a process (API or worker) shares: built once at start, closed once at stop. */
export interface Runtime {
  config: Config;
  logger: Logger;
  pool: pg.Pool;
  db: Db;
  databaseUrl: string;
  storage: Storage;
  /** What each engine is and draws (rendering itself goes through `rendering`). */
  engines: ReadonlyMap<string, EngineInfo>;
  /** The one render service of this process: its thread pool starts on first use. */
  rendering: RenderService;
  events: RenderEvents;
  /** The public catalogue's reads, kept in memory until a NOTIFY says it changed. */
  catalog: CatalogCache;
  close(): Promise<void>;
}

export async function startRuntime(config: Config, logger: Logger, options: { seedDemo?: boolean } = {}): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.database.url;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({
      dataDir: config.database.embeddedDir,
      port: config.database.embeddedPort,
      logger,
    });
    databaseUrl = embedded.url;
  }
  const pool = createPool(databaseUrl, {
    max: config.database.poolMax,
    acquireTimeoutMs: config.database.acquireTimeoutMs,
    statementTimeoutMs: config.database.statementTimeoutMs,
  });
  try {
    const db = createDb(pool);
    await migrate(pool, logger);
    // The queue's schema too: an API started without workers must still be able to enqueue.
    await runGraphileMigrations({ pgPool: pool, logger: new GraphileLogger(() => () => undefined) });
    await bootstrapAdminAccount(db, config, logger);
    if (options.seedDemo && (await countFamilies(db)) === 0) {
      const doc = parseCatalogDocument(JSON.parse(await readFile(DEMO_CATALOG, 'utf8')));
      const summary = await importCatalog(db, doc);
      logger.info({ summary }, 'demo catalog seeded');
    }
    const storage = createStorage(config.storage);
    const rendering = createRenderService({
      threads: config.rendering.threads,
      maxQueue: config.rendering.maxQueue,
      textureCacheBytes: config.worker.textureCacheBytes,
      templateCacheDir: config.worker.templateCacheDir,
      templateViews: { memory: config.worker.templateMemoryViews, disk: config.worker.templateDiskViews },
      templateCacheBytes: config.rendering.templateCacheBytes,
      tileCacheBytes: config.rendering.tileCacheBytes,
      clothLoopBytes: config.rendering.clothLoopBytes,
      draftMemoBytes: config.rendering.draftMemoBytes,
      draftAhead: config.rendering.draftAhead,
      draftAheadBytes: config.rendering.draftAheadBytes,
      draftAheadQuietMs: config.rendering.draftAheadQuietMs,
      backgroundThread: config.rendering.backgroundThread,
      sharedTextureBytes: config.rendering.sharedTextureBytes,
      maxUploadDecodes: config.rendering.maxUploadDecodes,
      maxUploadsWaiting: config.rendering.maxUploadsWaiting,
      storage,
      logger,
      comfyui: config.comfyui,
    });
    const engines = rendering.engines;
    const events = new RenderEvents(databaseUrl, logger);
    await events.start();
    return {
      config,
      logger,
      pool,
      db,
      databaseUrl,
      storage,
      engines,
      rendering,
      events,
      catalog: new CatalogCache((listener) => events.onCatalogChange(listener)),
      async close() {
        await rendering.close();
        await events.stop();
        await db.destroy();
        // Kysely only ends a pool it has used; a command that never queried through it (migrate)
        // would otherwise wait for the pool's idle timeout before exiting.
        if (!pool.ended) await pool.end();
        await storage.close?.();
        await embedded?.stop();
      },
    };
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
}
