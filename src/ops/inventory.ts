import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { runMigrations as runGraphileMigrations, Logger as GraphileLogger } from 'graphile-worker';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import { createDb, createPool, migrate, type Db } from '../db/database.ts';
import { startEmbeddedPostgres } from '../db/embedded.ts';
import type { StorageConfig } from '../storage/index.ts';
import { isValidKey } from '../storage/keys.ts';

/** One stored object as the store lists it. */
export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

/**
 * Every object in the store, in key order. The Storage interface has no listing (the app never
 * needs one); backups and retention do, so they read the store directly: the local driver's
 * directory (skipping its hidden temp files and content-type sidecars) or the bucket.
 */
export async function listStoredObjects(config: StorageConfig): Promise<StoredObject[]> {
  const objects = config.driver === 'local' ? await listLocal(config.root) : await listS3(config);
  return objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

async function listLocal(root: string): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  const walk = async (dir: string, prefix: string) => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && prefix === '') return; // nothing stored yet
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const key = prefix + entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, `${key}/`);
      else if (entry.isFile() && isValidKey(key)) {
        const s = await stat(full);
        found.push({ key, size: s.size, modifiedAt: s.mtime });
      }
    }
  };
  await walk(root, '');
  return found;
}

export function s3ClientFor(config: Extract<StorageConfig, { driver: 's3' }>): S3Client {
  return new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

async function listS3(config: Extract<StorageConfig, { driver: 's3' }>): Promise<StoredObject[]> {
  const client = s3ClientFor(config);
  const found: StoredObject[] = [];
  try {
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: config.bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (o.Key && isValidKey(o.Key)) found.push({ key: o.Key, size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } finally {
    client.destroy();
  }
  return found;
}

export interface OpenDatabase {
  pool: pg.Pool;
  db: Db;
  url: string;
  close(): Promise<void>;
}

/**
 * The configured database (external, or the embedded one under DATA_DIR, shared with a running
 * serve) without the side effects of a server start: no admin bootstrap, no demo seed, no event
 * listener. `migrate` brings the schema (ours and the queue's) up to date.
 */
export async function openDatabase(config: Config, logger: Logger, options: { migrate: boolean }): Promise<OpenDatabase> {
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.database.embeddedDir, port: config.database.embeddedPort, logger });
  const url = config.database.url ?? embedded!.url;
  // Maintenance work (backups, sweeps) may run long statements: no statement timeout here, and no
  // client-side query timeout either (COPY streams never clear its timer: the process would hang on).
  const pool = createPool(url, { max: 4, acquireTimeoutMs: config.database.acquireTimeoutMs, statementTimeoutMs: 0 });
  try {
    if (options.migrate) {
      await migrate(pool, logger);
      await runGraphileMigrations({ pgPool: pool, logger: new GraphileLogger(() => () => undefined) });
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw error;
  }
  const db = createDb(pool);
  return {
    pool,
    db,
    url,
    async close() {
      await db.destroy();
      if (!pool.ended) await pool.end();
      await embedded?.stop();
    },
  };
}
