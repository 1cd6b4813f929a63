import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWebBuilt } from './web-build.ts';

describe('npm start builds the web app only when it changed', () => {
  let root: string;
  let builds = 0;
  const build = async () => {
    builds++;
    await mkdir(path.join(root, 'web', 'dist'), { recursive: true });
    await writeFile(path.join(root, 'web', 'dist', 'index.html'), `<html>build ${builds}</html>`);
  };

  beforeEach(async () => {
    builds = 0;
    root = await mkdtemp(path.join(os.tmpdir(), 'atelier-webstamp-'));
    await mkdir(path.join(root, 'web', 'src'), { recursive: true });
    await writeFile(path.join(root, 'web', 'src', 'App.tsx'), 'export const App = () => null;');
    await writeFile(path.join(root, 'web', 'index.html'), '<div id="root"></div>');
    await writeFile(path.join(root, 'package-lock.json'), '{"lockfileVersion":3}');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds the first time, then not again while nothing changed', async () => {
    expect(await ensureWebBuilt(root, build)).toEqual({ built: true, reason: 'no previous build' });
    expect(await ensureWebBuilt(root, build)).toEqual({ built: false, reason: 'up to date' });
    expect(await ensureWebBuilt(root, build)).toEqual({ built: false, reason: 'up to date' });
    expect(builds).toBe(1);
  });

  it('rebuilds after a source or dependency change, and after the build output is removed', async () => {
    await ensureWebBuilt(root, build);
    await writeFile(path.join(root, 'web', 'src', 'App.tsx'), 'export const App = () => "changed";');
    expect(await ensureWebBuilt(root, build)).toEqual({ built: true, reason: 'web sources changed' });
    await writeFile(path.join(root, 'web', 'src', 'New.tsx'), 'export {};');
    expect((await ensureWebBuilt(root, build)).built).toBe(true);
    await writeFile(path.join(root, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    expect((await ensureWebBuilt(root, build)).built).toBe(true);
    await unlink(path.join(root, 'web', 'dist', 'index.html'));
    expect(await ensureWebBuilt(root, build)).toEqual({ built: true, reason: 'no previous build' });
    expect(builds).toBe(5);
    // What the build writes into web/dist does not count as a change.
    await writeFile(path.join(root, 'web', 'dist', 'extra.js'), 'x');
    expect((await ensureWebBuilt(root, build)).built).toBe(false);
  });

  it('rebuilds a build that has no stamp (made by hand with vite)', async () => {
    await build();
    expect(await ensureWebBuilt(root, build)).toEqual({ built: true, reason: 'the previous build has no stamp' });
  });

  it('keeps the old stamp when the build fails, so the next start tries again', async () => {
    await ensureWebBuilt(root, build);
    await writeFile(path.join(root, 'web', 'src', 'App.tsx'), 'broken(');
    await expect(ensureWebBuilt(root, async () => Promise.reject(new Error('the web build failed (exit 1)')))).rejects.toThrow(/web build failed/);
    expect((await ensureWebBuilt(root, build)).built).toBe(true);
  });
});
