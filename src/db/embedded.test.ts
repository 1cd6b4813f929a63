import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './embedded.ts';

const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn('skipped: the private-folder check applies only when started as root (the server then runs as the postgres user)');

describe('the embedded PostgreSQL', () => {
  it.skipIf(!asRoot)(
    'started as root under a folder the postgres user cannot enter, refuses at once naming that folder (initdb used to wait forever)',
    async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'atelier-private-'));
      try {
        const locked = path.join(root, 'locked');
        await mkdir(path.join(locked, 'data'), { recursive: true });
        await chmod(locked, 0o700);
        const started = Date.now();
        await expect(startEmbeddedPostgres({ dataDir: path.join(locked, 'data', 'pg'), port: 1 + Math.floor(Math.random() * 1000) + 40_000 })).rejects.toThrow(
          new RegExp(`'postgres' user .* cannot enter ${locked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(mode 700\\)`),
        );
        expect(Date.now() - started).toBeLessThan(10_000);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  );
});
