import { createStaff } from '../helpers/session.ts';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../scripts/smoke.sh');

function smoke(base: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', [SCRIPT, base], { env: { ...process.env, SMOKE_TIMEOUT: '90', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('scripts/smoke.sh', { timeout: 180_000 }, () => {
  let pg: Awaited<ReturnType<typeof startTestDatabase>>;
  let t: TestApp;

  beforeAll(async () => {
    pg = await startTestDatabase();
    t = await startTestApp({ databaseUrl: pg.url });
  });
  afterAll(async () => {
    await t?.close();
    await pg?.stop();
  });

  it('passes against a running instance: catalogue, a render, an upload and the replaced API', async () => {
    const account = await createStaff(t);
    const { code, output } = await smoke(t.url, { SMOKE_EMAIL: account.email, SMOKE_PASSWORD: account.password });
    expect(output).toContain(`ok   signed in as ${account.email}`);
    expect(output).toMatch(/ok {3}ready; version \d+\.\d+\.\d+/);
    expect(output).toMatch(/ok {3}render [0-9a-f-]{36} succeeded; image \d+ bytes/);
    expect(output).toMatch(/ok {3}upload [0-9a-f-]{36} \(mean colour #[0-9A-F]{6}\)/);
    expect(output).toMatch(/ok {3}replaced API: job [0-9a-f-]{36} completed/);
    expect(output).toContain(`smoke test passed against ${t.url}`);
    expect(code).toBe(0);
    // It really did the work: one upload and a legacy batch exist.
    expect((await t.rt.db.selectFrom('swatch_uploads').select('id').execute()).length).toBe(1);
    expect((await t.rt.db.selectFrom('render_batches').select('source').where('source', '=', 'legacy').execute()).length).toBe(1);
  });

  it('says what it needs when it has no account to order with', async () => {
    const { code, output } = await smoke(t.url, { SMOKE_EMAIL: '', SMOKE_PASSWORD: '' });
    expect(output).toMatch(/FAIL: set SMOKE_EMAIL and SMOKE_PASSWORD/);
    expect(code).toBe(1);
  });

  it('fails, saying what, when the server is not there', async () => {
    const { code, output } = await smoke(`http://127.0.0.1:${await freePort()}`);
    expect(output).toMatch(/FAIL: GET \/readyz answered 000/);
    expect(code).toBe(1);
  });

  it('fails when renders do not finish (no workers)', async () => {
    // A database of its own: the worker of the instance above must not pick up its job.
    const lonely = await startTestDatabase();
    const idle = await startTestApp({ databaseUrl: lonely.url, worker: false });
    try {
      const account = await createStaff(idle);
      const { code, output } = await smoke(idle.url, { SMOKE_TIMEOUT: '2', SMOKE_EMAIL: account.email, SMOKE_PASSWORD: account.password });
      expect(output).toMatch(/FAIL: render [0-9a-f-]{36} still queued after 2 s \(are workers running\?\)/);
      expect(code).toBe(1);
    } finally {
      await idle.close();
      await lonely.stop();
    }
  });

  it('explains its usage', async () => {
    const { code, output } = await smoke('');
    expect(output).toMatch(/usage: scripts\/smoke\.sh BASE_URL/);
    expect(code).toBe(2);
  });
});
