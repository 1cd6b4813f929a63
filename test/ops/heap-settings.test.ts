import { fork, spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_SETTINGS, heapEnvironment } from '../../src/ops/heap-settings.ts';

const ENTRY = path.join(import.meta.dirname, 'fixtures/heap-settings-entry.ts');
const IPC_PROBE = path.join(import.meta.dirname, 'fixtures/ipc-probe.ts');

interface Reported {
  pid: number;
  mmap: string | null;
  trim: string | null;
  args: string[];
  execArgv: string[];
}

/** Runs the fixture entry as `npm start` runs src/main.ts, with `env` as its whole environment. */
function run(env: NodeJS.ProcessEnv): Promise<{ childPid: number; out: Reported; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'serve', '--flag', 'a b'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`exit ${code}: ${stderr}`));
      resolve({ childPid: child.pid!, out: JSON.parse(stdout), stderr });
    });
  });
}

/** This process's environment without any malloc setting (vitest.config.ts gives the tests ours). */
function withoutMallocSettings(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('MALLOC_') && name !== 'GLIBC_TUNABLES'));
}

describe('heap settings of an entry point (glibc reads them only at start)', () => {
  it.runIf(process.platform === 'linux')('a process started without them replaces itself with one that has them: same pid, arguments and loader', async () => {
    const { childPid, out, stderr } = await run(withoutMallocSettings());
    expect(out.mmap).toBe(HEAP_SETTINGS.MALLOC_MMAP_THRESHOLD_);
    expect(out.trim).toBe(HEAP_SETTINGS.MALLOC_TRIM_THRESHOLD_);
    // Replaced, not forked: whoever started it (a supervisor, a test) still holds the process.
    expect(out.pid).toBe(childPid);
    expect(out.args).toEqual(['serve', '--flag', 'a b']);
    expect(out.execArgv).toEqual(['--import', 'tsx']);
    expect(stderr).toBe('');
  });

  it('an operator’s own malloc settings are kept as given', async () => {
    const own = await run({ ...withoutMallocSettings(), MALLOC_ARENA_MAX: '2' });
    expect([own.out.mmap, own.out.trim]).toEqual([null, null]);
    const tuned = await run({ ...withoutMallocSettings(), GLIBC_TUNABLES: 'glibc.malloc.top_pad=1048576' });
    expect([tuned.out.mmap, tuned.out.trim]).toEqual([null, null]);
    const threshold = await run({ ...withoutMallocSettings(), MALLOC_MMAP_THRESHOLD_: '131072' });
    expect([threshold.out.mmap, threshold.out.trim]).toEqual(['131072', null]);
  });

  it('a process forked with an IPC channel is left as it is: the channel would not survive the exec', async () => {
    const child = fork(IPC_PROBE, [], { execArgv: ['--import', 'tsx'], env: withoutMallocSettings(), stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const answer = new Promise<{ echo: unknown; pid: number; mmap: string | null }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { echo: unknown; pid: number; mmap: string | null }));
      child.once('exit', (code) => reject(new Error(`exited (${code}) without answering`)));
    });
    child.send({ hello: 1 });
    const m = await answer;
    expect(m).toEqual({ echo: { hello: 1 }, pid: child.pid, mmap: null });
  });

  it('asks nothing of a platform whose allocator is not glibc’s', () => {
    expect(heapEnvironment({}, 'darwin')).toBeUndefined();
    expect(heapEnvironment({}, 'win32')).toBeUndefined();
    expect(heapEnvironment({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', ...HEAP_SETTINGS });
  });
});
