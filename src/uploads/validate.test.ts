import zlib from 'node:zlib';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { crc32, jpegDeclaringSize, makePngBomb, pngBombInflatedSize, pngChunk, pngIdat } from './fixtures.ts';
import { inspectImageUpload, UploadRejected, type ImageUploadLimits } from './validate.ts';

// Counts every pixel pipeline sharp runs (toBuffer), so a test can prove an image was refused from
// its header alone. Everything else about sharp is the real thing.
const pipelines = vi.hoisted(() => ({ count: 0 }));
vi.mock('sharp', async (importOriginal) => {
  const real = (await importOriginal<typeof import('sharp')>()).default;
  const counted = ((...args: Parameters<typeof real>) => {
    const instance = real(...args);
    const toBuffer = instance.toBuffer.bind(instance) as (...a: unknown[]) => unknown;
    (instance as unknown as { toBuffer: unknown }).toBuffer = (...a: unknown[]) => {
      pipelines.count++;
      return toBuffer(...a);
    };
    return instance;
  }) as typeof real;
  Object.assign(counted, real);
  return { default: counted };
});
const { default: sharp } = await import('sharp');

const LIMITS: ImageUploadLimits = { maxBytes: 5_000_000, maxPixels: 40_000_000 };

/** Noise, so that cutting a file short always cuts into compressed image data. */
function noise(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let x = 12345;
  for (let i = 0; i < pixels.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    pixels[i] = x >>> 24;
  }
  return pixels;
}

async function rejection(promise: Promise<unknown>): Promise<UploadRejected> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UploadRejected);
  return error as UploadRejected;
}

let jpeg: Buffer;
let png: Buffer;
let webp: Buffer;

beforeAll(async () => {
  const raw = { raw: { width: 640, height: 480, channels: 3 as const } };
  jpeg = await sharp(noise(640, 480), raw).jpeg({ quality: 85 }).toBuffer();
  png = await sharp(noise(640, 480), raw).png().toBuffer();
  webp = await sharp(noise(640, 480), raw).webp({ quality: 80 }).toBuffer();
});

describe('inspectImageUpload: valid images', () => {
  it.each([
    ['jpeg', 'image/jpeg', 'jpg'],
    ['png', 'image/png', 'png'],
    ['webp', 'image/webp', 'webp'],
  ] as const)('accepts a %s and reports its real type and size', async (format, mime, ext) => {
    const data = { jpeg, png, webp }[format];
    pipelines.count = 0;
    await expect(inspectImageUpload(data, LIMITS)).resolves.toEqual({ format, width: 640, height: 480, mime, ext });
    // The full decode ran (and the counter that proves bombs are not decoded does count).
    expect(pipelines.count).toBe(1);
  });

  it('reports the size as displayed for a phone photo rotated by EXIF', async () => {
    const rotated = await sharp(noise(640, 480), { raw: { width: 640, height: 480, channels: 3 } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    await expect(inspectImageUpload(rotated, LIMITS)).resolves.toMatchObject({ width: 480, height: 640 });
  });

  it('accepts an image of exactly maxPixels and maxBytes', async () => {
    await expect(inspectImageUpload(png, { maxBytes: png.length, maxPixels: 640 * 480 })).resolves.toMatchObject({ format: 'png' });
  });
});

describe('inspectImageUpload: not an image we take', () => {
  it('refuses a text file renamed .jpg', async () => {
    const error = await rejection(inspectImageUpload(Buffer.from('Fabric order for Mr Smith\n3.2 m navy twill\n'), LIMITS));
    expect(error.code).toBe('unsupported_type');
    expect(error.message).toBe('The file is not a JPEG, PNG or WebP image');
    expect(error.statusCode).toBe(415);
  });

  it('refuses a PDF and says it looks like one', async () => {
    const pdf = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n', 'latin1');
    const error = await rejection(inspectImageUpload(pdf, LIMITS));
    expect(error.code).toBe('unsupported_type');
    expect(error.message).toBe('The file is not a JPEG, PNG or WebP image (it looks like a PDF document)');
  });

  it('refuses an iPhone HEIC photo with advice on what to send instead', async () => {
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'), Buffer.alloc(64)]);
    const error = await rejection(inspectImageUpload(heic, LIMITS));
    expect(error.code).toBe('unsupported_type');
    expect(error.message).toMatch(/HEIC photo.*export it as JPEG/);
  });

  it('refuses a real GIF', async () => {
    const gif = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#445566' } })
      .gif()
      .toBuffer();
    expect((await rejection(inspectImageUpload(gif, LIMITS))).code).toBe('unsupported_type');
  });

  it('refuses an empty file', async () => {
    const error = await rejection(inspectImageUpload(Buffer.alloc(0), LIMITS));
    expect(error.code).toBe('unsupported_type');
    expect(error.message).toBe('The file is empty');
  });

  it('refuses a file over maxBytes before looking inside it', async () => {
    const error = await rejection(inspectImageUpload(Buffer.alloc(7_300_000, 0x41), LIMITS));
    expect(error.code).toBe('too_large');
    expect(error.message).toBe('The file is 7.3 MB; the limit is 5 MB');
    expect(error.statusCode).toBe(413);
    // Never "5 MB; the limit is 5 MB".
    expect((await rejection(inspectImageUpload(Buffer.alloc(5_000_100), LIMITS))).message).toBe('The file is 5.0001 MB; the limit is 5 MB');
  });
});

describe('inspectImageUpload: damaged images', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('refuses a truncated %s', async (format) => {
    const data = { jpeg, png, webp }[format];
    for (const keep of [0.5, 0.9, 0.99]) {
      const truncated = data.subarray(0, Math.floor(data.length * keep));
      const error = await rejection(inspectImageUpload(truncated, LIMITS));
      expect(error.code).toBe('corrupt_image');
    }
  });

  it('says what was wrong in words a person understands', async () => {
    const error = await rejection(inspectImageUpload(jpeg.subarray(0, jpeg.length - 100), LIMITS));
    expect(error.message).toBe('The file looks like a JPEG image but is damaged or incomplete, so it cannot be read');
    expect(error.statusCode).toBe(422);
  });

  it('refuses a JPEG cut short right after its headers', async () => {
    const sos = jpeg.indexOf(Buffer.from([0xff, 0xda]));
    expect((await rejection(inspectImageUpload(jpeg.subarray(0, sos + 20), LIMITS))).code).toBe('corrupt_image');
  });

  it('refuses a PNG whose compressed data is damaged (with a correct CRC, so only the decode can tell)', async () => {
    const idatAt = png.indexOf('IDAT', 8, 'latin1') - 4;
    const length = png.readUInt32BE(idatAt);
    const damaged = Buffer.from(png);
    for (let i = idatAt + 8 + 200; i < idatAt + 8 + 400; i++) damaged[i] ^= 0x5a;
    damaged.writeUInt32BE(crc32(damaged.subarray(idatAt + 4, idatAt + 8 + length)), idatAt + 8 + length);
    expect((await rejection(inspectImageUpload(damaged, LIMITS))).code).toBe('corrupt_image');
  });

  it('refuses bytes that only start like an image', async () => {
    const fake = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('not really a jpeg at all')]);
    expect((await rejection(inspectImageUpload(fake, LIMITS))).code).toBe('corrupt_image');
  });
});

describe('inspectImageUpload: size in pixels', () => {
  it('is a genuine PNG bomb: 110 kB that really inflate to every row of 30000 × 30000', async () => {
    const bomb = makePngBomb(30000, 30000);
    expect(bomb.length).toBeLessThan(150_000);
    // Count the inflated bytes as they stream by, without holding them.
    let inflated = 0;
    const zeros = Buffer.alloc(1024 * 1024);
    await new Promise<void>((resolve, reject) => {
      const inflate = zlib.createInflate({ chunkSize: zeros.length });
      inflate.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
        if (!chunk.equals(zeros.subarray(0, chunk.length))) reject(new Error('expected all-zero rows'));
      });
      inflate.on('end', resolve);
      inflate.on('error', reject);
      inflate.end(pngIdat(bomb));
    });
    expect(inflated).toBe(pngBombInflatedSize(30000, 30000));
    // And a decoder agrees it is a well-formed 30000 × 30000 PNG.
    const header = await sharp(bomb, { limitInputPixels: false }).metadata();
    expect([header.format, header.width, header.height]).toEqual(['png', 30000, 30000]);
  });

  it('refuses the PNG bomb from its header, without decoding a pixel', async () => {
    const bomb = makePngBomb(30000, 30000);
    pipelines.count = 0;
    const started = performance.now();
    const error = await rejection(inspectImageUpload(bomb, LIMITS));
    const elapsed = performance.now() - started;
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toBe('The image is 30000 × 30000 pixels; the limit is 40 megapixels');
    expect(pipelines.count).toBe(0);
    // Decoding 900 megapixels would take seconds; reading a header takes milliseconds.
    expect(elapsed).toBeLessThan(1000);
  });

  it('refuses a small bomb that passes sharp’s own default limit but not ours', async () => {
    const bomb = makePngBomb(8000, 8000); // 64 MP, under sharp's default 268 MP
    pipelines.count = 0;
    const error = await rejection(inspectImageUpload(bomb, LIMITS));
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toBe('The image is 8000 × 8000 pixels; the limit is 40 megapixels');
    expect(pipelines.count).toBe(0);
  });

  it('refuses a JPEG whose header declares 30000 × 30000', async () => {
    const error = await rejection(inspectImageUpload(jpegDeclaringSize(jpeg, 30000, 30000), LIMITS));
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toBe('The image is 30000 × 30000 pixels; the limit is 40 megapixels');
  });

  it('counts pixels exactly at the limit', async () => {
    const error = await rejection(inspectImageUpload(png, { maxBytes: LIMITS.maxBytes, maxPixels: 640 * 480 - 1 }));
    expect(error.code).toBe('too_many_pixels');
    expect(error.message).toBe('The image is 640 × 480 pixels; the limit is 0.3 megapixels');
  });

  it('refuses an image smaller than minShortSide on its shorter side', async () => {
    const error = await rejection(inspectImageUpload(webp, { ...LIMITS, minShortSide: 512 }));
    expect(error.code).toBe('too_small');
    expect(error.message).toBe('The image is 640 × 480 pixels; it needs to be at least 512 pixels on its shorter side');
    await expect(inspectImageUpload(webp, { ...LIMITS, minShortSide: 480 })).resolves.toMatchObject({ format: 'webp' });
  });
});

describe('inspectImageUpload: programming errors', () => {
  it('throws a TypeError for nonsensical limits', async () => {
    await expect(inspectImageUpload(png, { maxBytes: 0, maxPixels: 1e6 })).rejects.toBeInstanceOf(TypeError);
    await expect(inspectImageUpload(png, { maxBytes: 1e6, maxPixels: Number.NaN })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('fixtures', () => {
  it('writes PNG chunks with the CRC zlib would compute', () => {
    const chunk = pngChunk('IEND', Buffer.alloc(0));
    expect(chunk.toString('hex')).toBe('0000000049454e44ae426082');
  });
});
