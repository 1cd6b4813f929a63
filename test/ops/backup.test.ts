import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { verifyArchive } from '../../src/ops/backup.ts';
import { listStoredObjects } from '../../src/ops/inventory.ts';
import { createStorage } from '../../src/storage/index.ts';
import { startS3TestServer } from '../../src/storage/s3-test-server.ts';
import { clothPhoto, createAccount } from '../admin/helpers.ts';
import { associateSession } from '../helpers/session.ts';
import { freePort, json, startTestApp, startTestDatabase, tempDir, testEnv, waitFor, type TestApp } from '../helpers/harness.ts';
import { startAtelier } from '../helpers/processes.ts';

/** What a house cannot lose: compared row by row between the original and the restored instance. */
const TABLES = [
  'fabric_families',
  'fabric_colors',
  'cuts',
  'cut_views',
  'swatch_uploads',
  'renders',
  'render_batches',
  'render_batch_items',
  'looks',
  'look_renders',
  'users',
  'user_sessions',
  'audit_log',
];

async function rowsOf(url: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of TABLES) out[table] = (await client.query(`SELECT * FROM ${table} ORDER BY to_jsonb(${table})::text`)).rows;
    return out;
  } finally {
    await client.end();
  }
}

async function run(args: string[], env: Record<string, string>) {
  const p = startAtelier(args, testEnv({ LOG_LEVEL: 'warn', ...env }));
  const code = await p.exited;
  return { code, output: p.output() };
}

// Several real CLI processes per test: minutes on a loaded two-core machine.
describe('atelier backup and restore', { timeout: 240_000 }, () => {
  let source: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;
  let work: string;
  let archive: string;
  let restoredDir: string;
  let restoredPort: number;
  const sourceEnv = () => ({ DATABASE_URL: source.url, FILES_DIR: (t.config.storage as { root: string }).root });
  const restoredEnv = () => ({ DATA_DIR: restoredDir, EMBEDDED_PG_PORT: String(restoredPort), FILES_DIR: path.join(restoredDir, 'files') });

  beforeAll(async () => {
    source = await startTestDatabase();
    t = await startTestApp({ databaseUrl: source.url });
    work = await tempDir('atelier-backup-test-');
    archive = path.join(work, 'nightly.tar.gz');
    restoredDir = await tempDir('atelier-restored-');
    await chmod(restoredDir, 0o755); // the embedded server runs as 'postgres' and must enter it
    restoredPort = await freePort();

    // A populated house: the demo catalogue, accounts, a photographed cloth, finished renders and a look.
    await createAccount(t, 'merch@example.com', 'merchandiser');
    await createAccount(t, 'associate@example.com', 'associate');
    const form = new FormData();
    form.append('file', new Blob([(await clothPhoto('#35506B')).jpeg], { type: 'image/jpeg' }), 'cloth.jpg');
    // Cloth is photographed, renders ordered and looks saved by a signed-in associate.
    const associate = await associateSession(t);
    const upload = await json(await associate.fetch('/api/swatch-uploads', { method: 'POST', body: form }));
    const orders = [
      { family: 'city-pinstripe', color: 'navy', cuts: ['single-breasted', 'double-breasted'] },
      { family: 'city-pinstripe', swatchUploadId: upload.id, cuts: ['single-breasted'], sizes: ['preview'] },
    ];
    const ids: string[] = [];
    for (const order of orders) {
      const body = await json(
        await associate.fetch('/api/renders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) }),
      );
      ids.push(...body.renders.map((r: any) => r.id));
    }
    for (const id of ids) await waitFor(async () => (await json(await fetch(`${t.url}/api/renders/${id}`))).status === 'succeeded', 60_000);
    // A look is saved for a client record.
    const look = await associate.send('POST', '/api/looks', { title: 'Mr Okafor, wedding', clientName: 'Mr Okafor', renderIds: ids.slice(0, 2) });
    expect(look.status).toBe(201);
  });
  afterAll(async () => {
    await t?.close();
    await source?.stop();
    await rm(work, { recursive: true, force: true });
    await rm(restoredDir, { recursive: true, force: true });
  });

  it('backs up the database and every file into one archive with a manifest of counts and checksums', async () => {
    const { code, output } = await run(['backup', '--out', archive], sourceEnv());
    expect(output).toMatch(/backup written to .*nightly\.tar\.gz: \d+ tables, \d+ rows, \d+ files \(\d+ bytes\), all verified/);
    expect(code).toBe(0);

    const list: string[] = [];
    await tar.t({ file: archive, onReadEntry: (e) => list.push(e.path) });
    expect(list).toContain('manifest.json');
    expect(list).toContain('db/renders.copy');
    const files = await listStoredObjects(t.config.storage);
    expect(files.length).toBeGreaterThanOrEqual(8); // 2 × 3 render sizes, a preview, the cloth photo
    for (const f of files) expect(list).toContain(`files/${f.key}`);

    const check = await run(['restore', '--check', archive], {});
    expect(check.output).toMatch(/intact \(\d+ tables, \d+ files/);
    expect(check.code).toBe(0);
  });

  it('restores into a fresh embedded server and empty storage: catalogue, renders, looks, accounts and every file byte for byte', async () => {
    const { code, output } = await run(['restore', archive], restoredEnv());
    expect(output).toMatch(/restored .*: \d+ tables, \d+ rows, \d+ files \(\d+ bytes\), all verified/);
    expect(code).toBe(0);

    const server = await startEmbeddedPostgres({ dataDir: path.join(restoredDir, 'pg'), port: restoredPort });
    try {
      const [before, after] = await Promise.all([rowsOf(source.url), rowsOf(server.url)]);
      expect(before.renders!.length).toBe(3);
      expect(before.looks!.length).toBe(1);
      expect(before.users!.length).toBe(3);
      expect(before.fabric_families!.length).toBeGreaterThanOrEqual(12);
      for (const table of TABLES) expect(after[table], table).toEqual(before[table]);
    } finally {
      await server.stop();
    }

    const original = await listStoredObjects(t.config.storage);
    const restored = await listStoredObjects({ driver: 'local', root: path.join(restoredDir, 'files'), publicBaseUrl: '' });
    expect(restored.map((o) => o.key)).toEqual(original.map((o) => o.key));
    for (const o of original) {
      const [a, b] = await Promise.all([
        readFile(path.join((t.config.storage as { root: string }).root, o.key)),
        readFile(path.join(restoredDir, 'files', o.key)),
      ]);
      expect(b.equals(a), o.key).toBe(true);
    }
  });

  it('restores into an empty S3 bucket, and backs up from one, with the same files and checksums', async () => {
    const s3 = await startS3TestServer({ bucket: 'atelier-restored' });
    const dir = await tempDir('atelier-restored-s3-');
    await chmod(dir, 0o755);
    try {
      const env = {
        DATA_DIR: dir,
        EMBEDDED_PG_PORT: String(await freePort()),
        STORAGE: 's3',
        S3_BUCKET: s3.bucket,
        S3_REGION: s3.config.region,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.config.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey,
        S3_FORCE_PATH_STYLE: 'true',
      };
      const restore = await run(['restore', archive], env);
      expect(restore.output).toMatch(/all verified/);
      expect(restore.code).toBe(0);

      const original = await listStoredObjects(t.config.storage);
      const inBucket = await listStoredObjects(s3.config);
      expect(inBucket.map((o) => o.key)).toEqual(original.map((o) => o.key));
      const bucket = createStorage(s3.config);
      try {
        for (const o of original) {
          const local = await readFile(path.join((t.config.storage as { root: string }).root, o.key));
          expect((await bucket.get(o.key)).equals(local), o.key).toBe(true);
        }
      } finally {
        await bucket.close?.();
      }

      const again = path.join(work, 'from-s3.tar.gz');
      const backup = await run(['backup', '--out', again], env);
      expect(backup.code, backup.output).toBe(0);
      const [first, second] = await Promise.all([verifyArchive(archive), verifyArchive(again)]);
      expect(second.storage.driver).toBe('s3');
      expect(second.storage.entries.map((e) => [e.key, e.sha256, e.size])).toEqual(first.storage.entries.map((e) => [e.key, e.sha256, e.size]));
      // Every table the same, but schema_migrations: restore applied the migrations anew (other applied_at).
      const tables = (m: typeof first) => m.database.tables.filter((x) => x.name !== 'schema_migrations').map((x) => [x.name, x.rows, x.sha256]);
      expect(tables(second)).toEqual(tables(first));
      expect(second.database.migrations).toEqual(first.database.migrations);
    } finally {
      await s3.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to restore over data that is already there', async () => {
    const { code, output } = await run(['restore', archive], restoredEnv());
    expect(output).toMatch(/The target database is not empty/);
    expect(code).not.toBe(0);
  });

  it('refuses a damaged archive before touching anything', async () => {
    const unpacked = path.join(work, 'unpacked');
    await mkdir(unpacked);
    await tar.x({ file: archive, cwd: unpacked });
    const manifest = JSON.parse(await readFile(path.join(unpacked, 'manifest.json'), 'utf8'));
    const victim = manifest.storage.entries.find((e: any) => e.key.startsWith('renders/')).key as string;
    const file = path.join(unpacked, 'files', victim);
    const bytes = await readFile(file);
    bytes[bytes.length >> 1] ^= 0xff;
    await writeFile(file, bytes);
    const damaged = path.join(work, 'damaged.tar.gz');
    await tar.c({ gzip: true, file: damaged, cwd: unpacked }, ['manifest.json', 'db', 'files']);

    const check = await run(['restore', '--check', damaged], {});
    expect(check.output).toContain(`file ${victim} does not match its checksum`);
    expect(check.code).not.toBe(0);

    const emptyDir = await tempDir('atelier-restore-refused-');
    await chmod(emptyDir, 0o755);
    try {
      const res = await run(['restore', damaged], { DATA_DIR: emptyDir, EMBEDDED_PG_PORT: String(await freePort()) });
      expect(res.output).toMatch(/is damaged/);
      expect(res.code).not.toBe(0);
      await expect(stat(path.join(emptyDir, 'pg'))).rejects.toThrow(); // no database was even created
    } finally {
      await rm(emptyDir, { recursive: true, force: true });
    }
  });

  it('reports failure, and leaves no archive, when a part cannot be backed up', async () => {
    const out = path.join(work, 'unreachable.tar.gz');
    const { code, output } = await run(['backup', '--out', out], {
      DATABASE_URL: `postgres://nobody:x@127.0.0.1:${await freePort()}/atelier`,
      FILES_DIR: work,
    });
    expect(code).not.toBe(0);
    expect(output).not.toMatch(/backup written/);
    await expect(stat(out)).rejects.toThrow();
    await expect(stat(`${out}.partial`)).rejects.toThrow();
  });
});
