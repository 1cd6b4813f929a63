import { S3Client, ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3TestServer, type S3TestServer } from '../../src/storage/s3-test-server.ts';
import { json, startTestApp, startTestDatabase, waitFor, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';

/** The whole server with STORAGE=s3 against an S3-compatible server started by the test. */
let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let s3: S3TestServer;
let t: TestApp;

beforeAll(async () => {
  pg = await startTestDatabase();
  s3 = await startS3TestServer({ bucket: 'atelier-renders' });
  t = await startTestApp({
    databaseUrl: pg.url,
    env: {
      STORAGE: 's3',
      S3_BUCKET: s3.bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.config.region,
      S3_ACCESS_KEY_ID: s3.config.accessKeyId,
      S3_SECRET_ACCESS_KEY: s3.config.secretAccessKey,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await s3?.stop();
  await pg?.stop();
});

describe('renders stored in S3', () => {
  it('writes the images to the bucket and serves them back', async () => {
    const res = await json(
      await (await stylistFor(t)).fetch('/api/renders', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ family: 'sharkskin', color: 'silver', cuts: ['double-breasted'] }),
      }),
    );
    const render = await waitFor(async () => {
      const r = await json(await fetch(`${t.url}/api/renders/${res.renders[0].id}`));
      return r.status === 'succeeded' ? r : undefined;
    });
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: s3.config.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.config.accessKeyId, secretAccessKey: s3.config.secretAccessKey },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: 'renders/' }));
    client.destroy();
    expect(listed.Contents?.filter((o) => o.Key!.includes(render.id))).toHaveLength(render.images.length);

    const full = render.images.find((i: any) => i.size === 'full');
    const bytes = Buffer.from(await (await fetch(t.url + full.url)).arrayBuffer());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1024, 1536]);
    expect((await json(await fetch(`${t.url}/readyz`))).checks.storage).toBe('ok');
  });

  it('readyz names the storage when the bucket is unreachable', async () => {
    await s3.stop();
    const res = await fetch(`${t.url}/readyz`);
    expect(res.status).toBe(503);
    const body = await json(res);
    expect(body.failed).toEqual(['storage']);
    expect(body.checks.database).toBe('ok');
  });
});
