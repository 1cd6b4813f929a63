import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HEAP_TOP_PAD_BYTES, paddedEnvironment } from '../../src/ops/heap-pad.ts';

const ENTRY = path.join(import.meta.dirname, 'fixtures/heap-pad-entry.ts');

/** Runs the fixture entry as `npm start` runs src/main.ts, with `env` as its whole environment. */
function run(
  env: NodeJS.ProcessEnv,
): Promise<{ childPid: number; out: { pid: number; pad: string | null; args: string[]; execArgv: string[] }; stderr: string }> {
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

function withoutHeapSettings(): NodeJS.ProcessEnv {
  const { MALLOC_TOP_PAD_: _p, GLIBC_TUNABLES: _t, ...rest } = process.env;
  return rest;
}

describe('heap settings of an entry point (glibc reads them only at start)', () => {
  it.runIf(process.platform === 'linux')('a process started without them replaces itself with one that has them: same pid, arguments and loader', async () => {
    const { childPid, out, stderr } = await run(withoutHeapSettings());
    expect(out.pad).toBe(String(HEAP_TOP_PAD_BYTES));
    // Replaced, not forked: whoever started it (a supervisor, a test) still holds the process.
    expect(out.pid).toBe(childPid);
    expect(out.args).toEqual(['serve', '--flag', 'a b']);
    expect(out.execArgv).toEqual(['--import', 'tsx']);
    expect(stderr).toBe('');
  });

  it('an operator’s own setting is kept as given, 0 included', async () => {
    const { out } = await run({ ...withoutHeapSettings(), MALLOC_TOP_PAD_: '0' });
    expect(out.pad).toBe('0');
    const tuned = await run({ ...withoutHeapSettings(), GLIBC_TUNABLES: 'glibc.malloc.top_pad=1048576' });
    expect(tuned.out.pad).toBeNull();
  });

  it('asks nothing of a platform whose allocator is not glibc’s', () => {
    expect(paddedEnvironment({}, 'darwin')).toBeUndefined();
    expect(paddedEnvironment({}, 'win32')).toBeUndefined();
    expect(paddedEnvironment({ PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin', MALLOC_TOP_PAD_: String(HEAP_TOP_PAD_BYTES) });
  });
});
