import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDatabase, tempDir, testEnv } from '../helpers/harness.ts';
import { itWithReference, referencePath } from '../helpers/reference.ts';
import { startAtelier } from '../helpers/processes.ts';

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let out: string;

beforeAll(async () => {
  pg = await startTestDatabase();
  out = await tempDir('atelier-cli-');
});
afterAll(async () => {
  await pg?.stop();
  await rm(out, { recursive: true, force: true });
});

async function run(args: string[], env: Record<string, string> = {}) {
  const p = startAtelier(args, testEnv({ DATABASE_URL: pg.url, LOG_LEVEL: 'warn', ...env }));
  const code = await p.exited;
  return { code, output: p.output() };
}

async function query(text: string) {
  const { default: pgmod } = await import('pg');
  const client = new pgmod.Client({ connectionString: pg.url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe('the atelier command', () => {
  it('migrate applies the schema to an external database and is repeatable', async () => {
    expect((await run(['migrate'])).code).toBe(0);
    expect((await run(['migrate'])).code).toBe(0);
    const versions = (await query('SELECT version FROM schema_migrations ORDER BY 1')).map((r) => r.version);
    expect(versions[0]).toBe('0001_initial');
  });

  itWithReference(['hf-fabrics-head.json'], "seed imports the replaced system's catalog, twice without duplicates", async () => {
    const file = referencePath('hf-fabrics-head.json');
    const first = await run(['seed', file]);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.output.trim().split('\n').at(-1)!)).toMatchObject({ families: { created: 5 } });
    expect((await run(['seed', file])).code).toBe(0);
    expect((await query('SELECT count(*)::int AS n FROM fabric_colors'))[0].n).toBe(25);
  });

  it('seed names the problem in a bad file', async () => {
    // The kind of file that gets picked by mistake: the replaced system's list of swatch codes.
    const file = path.join(out, 'swatch_codes_list.txt');
    await writeFile(file, '# List of all swatch codes from R2\n# Total: 2 swatches\n\nSW-0001\nSW-0002\n');
    const { code, output } = await run(['seed', file]);
    expect(code).toBe(1);
    expect(output).toMatch(/Not valid JSON/);
  });

  it('render writes an image file from the demo catalogue without a server', async () => {
    const file = path.join(out, 'suit.webp');
    const { code, output } = await run([
      'render',
      '--family',
      'prince-of-wales',
      '--color',
      'grey',
      '--cut',
      'double-breasted',
      '--view',
      'front',
      '--out',
      file,
    ]);
    expect(code, output).toBe(0);
    expect(existsSync(file)).toBe(true);
    const meta = await sharp(file).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1024, 1536]);
  });

  it('render explains an unknown colour', async () => {
    const { code, output } = await run([
      'render',
      '--family',
      'prince-of-wales',
      '--color',
      'pink',
      '--cut',
      'double-breasted',
      '--out',
      path.join(out, 'x.jpg'),
    ]);
    expect(code).toBe(1);
    expect(output).toMatch(/Unknown colour "pink" in prince-of-wales; known: grey/);
  });

  it('answers an option it does not know (or --help after a command) with one line and the usage, no stack', async () => {
    for (const args of [
      ['render', '--help'],
      ['render', '--family', 'herringbone', '--colour', 'navy'],
    ]) {
      const { code, output } = await run(args);
      expect(code).toBe(1);
      expect(output).toMatch(/Unknown option '--(help|colour)'/);
      expect(output).toMatch(/render one image to a file without a server/);
      expect(output).not.toMatch(/\n\s+at /);
    }
  });
});
