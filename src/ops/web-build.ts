import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `npm start` builds the web app only when its sources changed since the last build: a hash of every
 * file under web/ (but web/dist and web/node_modules) and of package-lock.json is kept in
 * web/dist/.build-stamp. Run as a script: `node --import tsx src/ops/web-build.ts`.
 */

export const STAMP_FILE = '.build-stamp';

export async function webSourceHash(root: string): Promise<string> {
  const hash = createHash('sha256');
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full === path.join(root, 'web', 'dist') || entry.name === 'node_modules') continue;
        await walk(full);
      } else if (entry.isFile()) files.push(full);
    }
  };
  await walk(path.join(root, 'web'));
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(lock)) files.push(lock);
  for (const file of files.sort()) {
    hash
      .update(path.relative(root, file))
      .update('\0')
      .update(await readFile(file))
      .update('\0');
  }
  return hash.digest('hex');
}

/** Builds when web/dist is missing, has no stamp, or was built from other sources; says which. */
export async function ensureWebBuilt(root: string, build: () => Promise<void>): Promise<{ built: boolean; reason: string }> {
  const dist = path.join(root, 'web', 'dist');
  const stampFile = path.join(dist, STAMP_FILE);
  const wanted = await webSourceHash(root);
  let reason: string;
  if (!existsSync(path.join(dist, 'index.html'))) reason = 'no previous build';
  else if (!existsSync(stampFile)) reason = 'the previous build has no stamp';
  else if ((await readFile(stampFile, 'utf8')).trim() !== wanted) reason = 'web sources changed';
  else return { built: false, reason: 'up to date' };
  await build();
  await writeFile(stampFile, `${wanted}\n`);
  return { built: true, reason };
}

function viteBuild(root: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', 'build:web'], { cwd: root, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`the web build failed (exit ${code})`))));
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  ensureWebBuilt(root, () => viteBuild(root)).then(
    ({ built, reason }) => console.log(built ? `web app built (${reason})` : 'web app up to date; not rebuilt'),
    (error: Error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
