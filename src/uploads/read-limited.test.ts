import { createHash } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectImageUpload, readLimited, UploadRejected } from './validate.ts';

function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

/** An upload that never ends, counting how much anyone pulled from it. */
function endless(chunkSize = 64 * 1024): Readable & { produced: number } {
  const chunk = Buffer.alloc(chunkSize, 0x61);
  const stream = new Readable({
    read() {
      stream.produced += chunk.length;
      this.push(chunk);
    },
  }) as Readable & { produced: number };
  stream.produced = 0;
  return stream;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('readLimited', () => {
  it('buffers a stream under the limit byte for byte', async () => {
    const data = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255));
    const got = await readLimited(chunked(data, 16_384), 1_000_000);
    expect(got.equals(data)).toBe(true);
  });

  it('takes exactly maxBytes and refuses one byte more', async () => {
    await expect(readLimited(chunked(Buffer.alloc(1000), 100), 1000)).resolves.toHaveLength(1000);
    const error = await readLimited(chunked(Buffer.alloc(1001), 100), 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UploadRejected);
    expect(error).toMatchObject({ code: 'too_large', statusCode: 413, message: 'The file is larger than the 1 kB limit' });
  });

  it('accepts string chunks', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.end(Buffer.from('héllo'));
    expect((await readLimited(stream, 100)).toString()).toBe('héllo');
  });

  it('stops at the limit on a stream that never ends, and destroys it at once with drainLimitBytes 0', async () => {
    const stream = endless();
    const error = await readLimited(stream, 5_000_000, { drainLimitBytes: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'too_large', message: 'The file is larger than the 5 MB limit' });
    expect(stream.destroyed).toBe(true);
    // Within a chunk (plus the stream's read-ahead) of the limit, not after reading everything.
    expect(stream.produced).toBeLessThan(5_000_000 + 4 * 64 * 1024);
  });

  it('discards at most drainLimitBytes past the limit, then destroys a stream that never ends', async () => {
    const stream = endless();
    await expect(readLimited(stream, 1_000_000, { drainLimitBytes: 2_000_000 })).rejects.toMatchObject({ code: 'too_large' });
    await finished(stream).catch(() => undefined);
    expect(stream.destroyed).toBe(true);
    expect(stream.produced).toBeGreaterThan(1_000_000 + 2_000_000);
    expect(stream.produced).toBeLessThan(1_000_000 + 2_000_000 + 4 * 64 * 1024);
  });

  it('drains the rest of an oversized but finite stream so its producer can finish', async () => {
    const stream = chunked(Buffer.alloc(3_000_000), 64 * 1024);
    await expect(readLimited(stream, 1_000_000)).rejects.toMatchObject({ code: 'too_large' });
    await finished(stream);
    expect(stream.readableEnded).toBe(true);
    expect(stream.destroyed).toBe(true); // autoDestroy after a normal end, not torn down early
  });

  it('passes a stream error through, and survives errors after it has answered', async () => {
    const failing = new PassThrough();
    const pending = readLimited(failing, 1000);
    failing.write(Buffer.alloc(10));
    failing.destroy(new Error('connection reset by client'));
    await expect(pending).rejects.toThrow('connection reset by client');

    const late = new PassThrough();
    const refused = readLimited(late, 10);
    late.write(Buffer.alloc(20));
    await expect(refused).rejects.toMatchObject({ code: 'too_large' });
    late.destroy(new Error('late failure')); // must not become an unhandled 'error' event
    await new Promise((resolve) => late.once('close', resolve));
  });

  it('rejects a stream closed before its end', async () => {
    const stream = new PassThrough();
    const pending = readLimited(stream, 1000);
    stream.write(Buffer.alloc(10));
    stream.destroy();
    await expect(pending).rejects.toThrow('The upload ended before the whole file arrived');
  });

  it("treats busboy's own 'limit' event and truncated parts as too large", async () => {
    const viaEvent = new PassThrough();
    const first = readLimited(viaEvent, 1000);
    viaEvent.write(Buffer.alloc(10));
    (viaEvent as EventEmitter).emit('limit');
    await expect(first).rejects.toMatchObject({ code: 'too_large' });

    const truncated = Object.assign(new PassThrough(), { truncated: false });
    const second = readLimited(truncated, 1000);
    truncated.write(Buffer.alloc(10));
    truncated.truncated = true;
    truncated.end();
    await expect(second).rejects.toMatchObject({ code: 'too_large' });
  });
});

describe('readLimited with @fastify/multipart over real HTTP', () => {
  const MAX = 5_000_000;
  let strict: FastifyInstance; // busboy's fileSize above our limit: readLimited decides
  let tight: FastifyInstance; // busboy's fileSize below our limit: busboy truncates first
  let jpeg: Buffer;

  async function build(fileSize: number): Promise<FastifyInstance> {
    const app = Fastify();
    await app.register(multipart, { limits: { fileSize, files: 1 } });
    app.post('/upload-swatch', async (request, reply) => {
      const part = await request.file();
      if (!part) return reply.code(400).send({ error: { code: 'no_file', message: 'No file' } });
      try {
        const data = await readLimited(part.file, MAX);
        const image = await inspectImageUpload(data, { maxBytes: MAX, maxPixels: 40_000_000 });
        return { size_bytes: data.length, sha256: sha256(data), ...image };
      } catch (error) {
        if (error instanceof UploadRejected) {
          return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
        }
        throw error;
      }
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app;
  }

  const post = (app: FastifyInstance, data: Buffer, name = 'swatch.jpg', type = 'image/jpeg') => {
    const form = new FormData();
    form.append('file', new Blob([data], { type }), name);
    const { port } = app.server.address() as { port: number };
    return fetch(`http://127.0.0.1:${port}/upload-swatch`, { method: 'POST', body: form, signal: AbortSignal.timeout(15_000) });
  };

  beforeAll(async () => {
    strict = await build(MAX + 1);
    tight = await build(1_000_000);
    const noise = Buffer.alloc(400 * 300 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    jpeg = await sharp(noise, { raw: { width: 400, height: 300, channels: 3 } })
      .jpeg()
      .toBuffer();
  });

  afterAll(async () => {
    // Closing must not wait on a connection left half-read by a refused upload.
    const started = Date.now();
    await Promise.all([strict?.close(), tight?.close()]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('accepts a real photo and stores exactly its bytes', async () => {
    const response = await post(strict, jpeg);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ size_bytes: jpeg.length, sha256: sha256(jpeg), format: 'jpeg', width: 400, height: 300 });
  });

  it('answers 413 too_large for a 12 MB upload, and keeps serving', async () => {
    const response = await post(strict, Buffer.alloc(12_000_000, 0xff));
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: 'too_large', message: 'The file is larger than the 5 MB limit' } });
    const next = await post(strict, jpeg);
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });

  it("answers 413 too_large when busboy's own fileSize limit cuts the part short", async () => {
    const response = await post(tight, Buffer.alloc(3_000_000, 0xff));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'too_large' } });
    const next = await post(tight, jpeg);
    expect(next.status).toBe(200);
    await next.arrayBuffer();
  });

  it('judges by content, not by the declared type or name', async () => {
    const response = await post(strict, Buffer.from('%PDF-1.4\n'), 'photo.jpg', 'image/jpeg');
    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'unsupported_type' } });
  });
});
