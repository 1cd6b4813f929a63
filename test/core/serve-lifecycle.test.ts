import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, json, tempDir, testEnv, waitFor } from '../helpers/harness.ts';
import { startAtelier, stopAll, type AtelierProcess } from '../helpers/processes.ts';
import { ADMIN_ENV, adminSessionAt } from '../helpers/session.ts';

/** `atelier serve` as a user runs it: embedded PostgreSQL, local files, demo catalog, worker. */
const running: AtelierProcess[] = [];
let dataDir: string;

afterAll(async () => {
  await stopAll(running);
  // Never leave a server behind, whatever happened above.
  const pidFile = dataDir && path.join(dataDir, 'pg', 'postmaster.pid');
  if (pidFile && existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    try {
      process.kill(pid, 'SIGINT');
    } catch {}
    await waitFor(async () => !alive(pid), 20_000).catch(() => undefined);
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('atelier serve on a laptop', () => {
  it('starts on an embedded PostgreSQL, survives a SIGKILL of its parent, keeps data, shuts down cleanly', async () => {
    dataDir = await tempDir('atelier-data-');
    await chmod(dataDir, 0o755);
    const port = await freePort();
    const env = {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: '4000',
      TEMPLATE_CACHE_DIR: testEnv().TEMPLATE_CACHE_DIR!,
      ...ADMIN_ENV,
    };
    const api = `http://127.0.0.1:${port}`;

    const first = startAtelier(['serve'], env);
    running.push(first);
    await first.waitForOutput(/Atelier is ready/, 60_000);
    expect(first.output()).toMatch(/demo catalog seeded/);
    const admin = await adminSessionAt(api);
    const res = await admin.fetch('/api/renders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: 'herringbone', color: 'grey', cuts: ['single-breasted'] }),
    });
    const id = (await json(res)).renders[0].id;
    await waitFor(async () => (await json(await fetch(`${api}/api/renders/${id}`))).status === 'succeeded', 60_000);
    expect(existsSync(path.join(dataDir, 'files', 'renders'))).toBe(true);

    // The catalogue's swatch cards are drawn after start, unasked: a tablet's first look at a family
    // does not wait for them, nor share the CPU with them while the associate taps.
    const catalog = await json(await fetch(`${api}/api/catalog`));
    const colours = catalog.families
      .flatMap((f: { colors: Array<{ swatchUrl: string }> }) => f.colors)
      .filter((c: { swatchUrl: string }) => c.swatchUrl.includes('/api/swatches/')).length;
    expect(colours).toBeGreaterThan(20);
    const cardsDir = path.join(dataDir, 'files', 'swatch-cards');
    const cards = () => (existsSync(cardsDir) ? readdirSync(cardsDir, { recursive: true }).filter((f) => String(f).endsWith('.jpg')).length : 0);
    await waitFor(async () => cards() >= colours, 240_000);
    expect(cards()).toBe(colours);

    // SIGKILL leaves PostgreSQL running and holding its port.
    const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(alive(pid)).toBe(true);

    const second = startAtelier(['serve'], env);
    running.push(second);
    await second.waitForOutput(/Atelier is ready/, 60_000);
    expect(second.output()).toMatch(/left running by an earlier process/);
    expect(second.output()).not.toMatch(/demo catalog seeded/);
    expect(alive(pid)).toBe(false);
    const kept = await json(await fetch(`${api}/api/renders/${id}`));
    expect(kept.status).toBe('succeeded');
    const image = await fetch(api + kept.images[0].url);
    expect(image.status).toBe(200);

    // A command run beside the server shares its database instead of stopping it.
    const migrate = startAtelier(['migrate'], env);
    running.push(migrate);
    expect(await migrate.exited).toBe(0);
    expect(migrate.output()).toMatch(/started by another Atelier process/);
    expect((await fetch(`${api}/readyz`)).status).toBe(200);

    const newPid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/"stopped"/);
    expect(alive(newPid)).toBe(false);
  }, 420_000);

  it('refuses to start on a bad setting with one line naming it', async () => {
    const p = startAtelier(['serve'], { PORT: 'eighty', NODE_ENV: 'development' });
    running.push(p);
    expect(await p.exited).toBe(1);
    const lines = p.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Invalid configuration: PORT: expected a whole number/);
  });
});
