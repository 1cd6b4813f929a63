import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../src/storage/s3-test-server.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { allowedByReplacedFrontEnd } from './next-image.ts';

/**
 * The replaced front end against Atelier in production shape: files in an R2 bucket with a public
 * URL (S3_PUBLIC_BASE_URL). Every image URL it is handed is the bucket's, so images never pass
 * through Atelier, and catalogue cards must exist in the bucket before their URLs are handed out.
 *
 * s3rver plays the bucket; its public endpoint stands in for https://pub-….r2.dev (the test sends
 * URLs with that base to s3rver, as R2's public bucket domain would serve them).
 */
const FRONT_END = 'https://showroom.example.com';
const R2_PUBLIC = 'https://pub-0f1e2d3c4b5a.r2.dev';
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let s3: S3TestServer;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  s3 = await startS3TestServer({ bucket: 'atelier-public' });
  t = await startTestApp({
    databaseUrl: pg.url,
    env: {
      CORS_ORIGINS: FRONT_END,
      STORAGE: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.config.region,
      S3_ACCESS_KEY_ID: s3.config.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      S3_PUBLIC_BASE_URL: R2_PUBLIC,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await s3?.stop();
  await pg?.stop();
});

/** An image as the front end's optimizer fetches it: allow-listed, from the public bucket, unsigned. */
async function fromBucket(url: string) {
  expect(url.startsWith(`${R2_PUBLIC}/`), url).toBe(true);
  expect(allowedByReplacedFrontEnd(url), url).toBe(true);
  const res = await fetch(`${s3.endpoint}/${s3.bucket}/${url.slice(R2_PUBLIC.length + 1)}`);
  expect(res.status, url).toBe(200);
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function generate(body: Record<string, unknown>) {
  const res = await fetch(`${t.url}/generate`, {
    method: 'POST',
    headers: { origin: FRONT_END, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, JSON.stringify(await res.clone().text())).toBe(201);
  const { job_id } = await json(res);
  return waitFor(async () => {
    const job = await json(await fetch(`${t.url}/jobs/${job_id}`, { headers: { origin: FRONT_END } }));
    expect(job.status).not.toBe('failed');
    return job.status === 'completed' ? job : undefined;
  }, 60_000);
}

describe('the replaced front end with an R2 public bucket', () => {
  it('hands out only the bucket’s URLs, and they work without Atelier', async () => {
    const catalog = await json(await fetch(`${t.url}/catalog`, { headers: { origin: FRONT_END } }));
    const colors = catalog.families.flatMap((f: any) => f.colors.map((c: any) => ({ ...c, family_id: f.family_id })));
    // Every card is in the bucket as soon as the catalogue names it.
    for (const c of colors) {
      const { res, bytes } = await fromBucket(c.swatch_url);
      expect(res.headers.get('cache-control')).toContain('immutable');
      expect((await sharp(bytes).metadata()).format).toBe('jpeg');
    }

    const grey = colors.find((c: any) => c.color_id === 'prince-of-wales-grey');
    const job = await generate({ family_id: grey.family_id, color_id: grey.color_id, cuts: ['recto'], swatch_url: grey.swatch_url });
    expect(job.meta).toMatchObject({ family_id: 'prince-of-wales', color_id: 'prince-of-wales-grey' });
    const { bytes } = await fromBucket(job.images[0].url);
    expect((await sharp(bytes).metadata()).width).toBe(job.images[0].width);

    const photo = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#7a4a2a' } })
      .composite([
        {
          input: Buffer.from(
            '<svg width="400" height="300"><path d="M0 0h400v300H0z" fill="none" stroke="#caa070" stroke-width="6" stroke-dasharray="4 20"/><path d="M20 0v300M60 0v300M100 0v300M140 0v300M180 0v300M220 0v300M260 0v300M300 0v300M340 0v300M380 0v300" stroke="#caa070" stroke-width="3"/></svg>',
          ),
        },
      ])
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'tela.jpg');
    const upload = await json(await fetch(`${t.url}/upload-swatch`, { method: 'POST', body: form, headers: { origin: FRONT_END } }));
    await fromBucket(upload.swatch_url);
    const upJob = await generate({ family_id: grey.family_id, color_id: grey.color_id, cuts: ['cruzado'], swatch_url: upload.swatch_url });
    expect(upJob.meta.color_id).toBeNull();
    await fromBucket(upJob.images[0].url);
    // The first catalogue draws every card before answering: minutes on a loaded 2-core machine.
  }, 300_000);
});
