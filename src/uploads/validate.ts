import sharp, { type Metadata } from 'sharp';

export type UploadRejectionCode = 'unsupported_type' | 'too_large' | 'too_many_pixels' | 'too_small' | 'corrupt_image';

/** HTTP status that fits each refusal; Fastify's error handler reads `statusCode` off thrown errors. */
const STATUS: Record<UploadRejectionCode, number> = {
  unsupported_type: 415,
  too_large: 413,
  too_many_pixels: 422,
  too_small: 422,
  corrupt_image: 422,
};

/** An upload we refuse; the message is written for the person who sent the file. */
export class UploadRejected extends Error {
  readonly statusCode: number;
  constructor(
    readonly code: UploadRejectionCode,
    message: string,
  ) {
    super(message);
    this.name = 'UploadRejected';
    this.statusCode = STATUS[code];
  }
}

export interface ImageUploadLimits {
  maxBytes: number;
  /** width × height; also handed to sharp as limitInputPixels so no decoder ever goes past it. */
  maxPixels: number;
  /** Smallest acceptable shorter side, in pixels (after EXIF rotation). */
  minShortSide?: number;
}

export type ImageFormat = 'jpeg' | 'png' | 'webp';

export interface InspectedImage {
  format: ImageFormat;
  /** As displayed, i.e. after EXIF orientation: a portrait phone photo is taller than wide. */
  width: number;
  height: number;
  mime: string;
  ext: string;
}

const FORMATS: Record<ImageFormat, { mime: string; ext: string; name: string }> = {
  jpeg: { mime: 'image/jpeg', ext: 'jpg', name: 'JPEG' },
  png: { mime: 'image/png', ext: 'png', name: 'PNG' },
  webp: { mime: 'image/webp', ext: 'webp', name: 'WebP' },
};

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The real type, from the first bytes; the declared type and file name are never consulted. */
export function sniffImageFormat(data: Buffer): ImageFormat | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** Names the common things people upload by mistake, so the refusal says what to do instead. */
function describeOtherFile(data: Buffer): string | undefined {
  const head = data.toString('latin1', 0, Math.min(data.length, 64));
  if (head.startsWith('%PDF-')) return 'it looks like a PDF document';
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'it is a GIF';
  if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'it is a TIFF';
  if (head.startsWith('BM')) return 'it looks like a BMP';
  if (head.slice(4, 8) === 'ftyp') {
    const brand = head.slice(8, 12);
    if (/^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(brand)) {
      return 'it is a HEIC photo, as iPhones take by default; export it as JPEG, or set the camera to “Most Compatible”';
    }
    if (brand === 'avif' || brand === 'avis') return 'it is an AVIF image';
    return 'it looks like a video or HEIF file';
  }
  if (head.startsWith('PK\u0003\u0004')) return 'it looks like a ZIP archive or an Office document';
  if (/^\s*</.test(head)) return 'it looks like SVG, HTML or XML text';
  return undefined;
}

function formatBytes(bytes: number, digits = 1): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const [value, unit] = bytes < 1e6 ? [bytes / 1e3, 'kB'] : [bytes / 1e6, 'MB'];
  return `${Number(value.toFixed(digits))} ${unit}`;
}

/** "7.3 MB; the limit is 5 MB", with enough digits that the two never read as equal. */
function sizeAgainstLimit(size: number, limit: number): string {
  let digits = 1;
  while (digits < 6 && formatBytes(size, digits) === formatBytes(limit, digits)) digits++;
  return `${formatBytes(size, digits)}; the limit is ${formatBytes(limit, digits)}`;
}

function formatMegapixels(pixels: number): string {
  return `${Number((pixels / 1e6).toFixed(1))} megapixels`;
}

function tooManyPixels(width: number | undefined, height: number | undefined, maxPixels: number): UploadRejected {
  const size = width && height ? `The image is ${width} × ${height} pixels` : `The image has more than ${formatMegapixels(maxPixels)}`;
  return new UploadRejected('too_many_pixels', `${size}; the limit is ${formatMegapixels(maxPixels)}`);
}

function assertLimit(name: string, value: number | undefined, optional = false): void {
  if (optional && value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`inspectImageUpload: ${name} must be a positive number, got ${String(value)}`);
  }
}

/**
 * Decides whether uploaded bytes are an image we can use, cheapest checks first: size, then the
 * magic bytes, then the header (dimensions, without decoding), then a decode of every byte.
 */
export async function inspectImageUpload(data: Buffer, limits: ImageUploadLimits): Promise<InspectedImage> {
  assertLimit('maxBytes', limits.maxBytes);
  assertLimit('maxPixels', limits.maxPixels);
  assertLimit('minShortSide', limits.minShortSide, true);

  if (data.length === 0) throw new UploadRejected('unsupported_type', 'The file is empty');
  if (data.length > limits.maxBytes) {
    throw new UploadRejected('too_large', `The file is ${sizeAgainstLimit(data.length, limits.maxBytes)}`);
  }

  const format = sniffImageFormat(data);
  if (!format) {
    const what = describeOtherFile(data);
    throw new UploadRejected('unsupported_type', `The file is not a JPEG, PNG or WebP image${what ? ` (${what})` : ''}`);
  }
  const { mime, ext, name } = FORMATS[format];
  const corrupt = () => new UploadRejected('corrupt_image', `The file looks like a ${name} image but is damaged or incomplete, so it cannot be read`);

  // Header only: a decompression bomb (a few kB declaring 30000 × 30000) is refused here, before
  // any pixel is decoded.
  let metadata: Metadata;
  try {
    metadata = await sharp(data, { limitInputPixels: limits.maxPixels }).metadata();
  } catch (error) {
    if (/pixel limit/i.test((error as Error).message)) {
      // Reading the header again without the limit is still only the header; it gives the message its numbers.
      const header = await sharp(data, { limitInputPixels: false })
        .metadata()
        .catch(() => undefined);
      throw tooManyPixels(header?.width, header?.height, limits.maxPixels);
    }
    throw corrupt();
  }
  if (metadata.format !== format || !metadata.width || !metadata.height) throw corrupt();
  if (metadata.width * metadata.height > limits.maxPixels) throw tooManyPixels(metadata.width, metadata.height, limits.maxPixels);

  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  if (limits.minShortSide !== undefined && Math.min(width, height) < limits.minShortSide) {
    throw new UploadRejected(
      'too_small',
      `The image is ${width} × ${height} pixels; it needs to be at least ${limits.minShortSide} pixels on its shorter side`,
    );
  }

  // Decode every byte, so a truncated or damaged file is refused now rather than failing a render
  // later. Shrinking on the way keeps memory to a thumbnail's instead of the full image (a 40 MP
  // RGBA decode would hold 160 MB): the loaders still read and check all of the compressed data.
  try {
    await sharp(data, { failOn: 'error', limitInputPixels: limits.maxPixels, sequentialRead: true })
      .resize(256, 256, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer();
  } catch {
    throw corrupt();
  }

  return { format, width, height, mime, ext };
}

export interface ReadLimitedOptions {
  /**
   * After the limit is passed the rest of the stream is read and thrown away, so a multipart parser
   * can reach the end of the request and the client gets its 413 (a half-read multipart file stream
   * leaves the request and its connection hanging). Past this many discarded bytes the stream is
   * destroyed instead. Default 64 MiB.
   */
  drainLimitBytes?: number;
}

/**
 * Buffers a stream of at most maxBytes; rejects with UploadRejected('too_large') as soon as more
 * arrives, without keeping any of it. For @fastify/multipart file streams, set the plugin's
 * `limits.fileSize` above maxBytes (maxBytes + 1 is enough) so busboy skips the rest of an oversized
 * part itself; if busboy's limit is the lower one, its 'limit' event is reported as too_large too.
 */
export function readLimited(stream: NodeJS.ReadableStream, maxBytes: number, options: ReadLimitedOptions = {}): Promise<Buffer> {
  assertLimit('maxBytes', maxBytes);
  const drainLimit = options.drainLimitBytes ?? 64 * 1024 * 1024;
  const tooLarge = () => new UploadRejected('too_large', `The file is larger than the ${formatBytes(maxBytes)} limit`);

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;

    const detach = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      stream.removeListener('limit', onLimit);
    };

    const giveUp = () => {
      detach();
      chunks.length = 0;
      discardRest(stream, drainLimit);
      reject(tooLarge());
    };

    function onData(chunk: Buffer | string) {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      total += buffer.length;
      if (total > maxBytes) giveUp();
      else chunks.push(buffer);
    }
    function onLimit() {
      giveUp();
    }
    function onEnd() {
      detach();
      // busboy marks a part it cut short at its own fileSize limit as truncated.
      if ((stream as { truncated?: boolean }).truncated) return reject(tooLarge());
      resolve(Buffer.concat(chunks, total));
    }
    function onError(error: Error) {
      detach();
      reject(error);
    }
    function onClose() {
      detach();
      reject(new Error('The upload ended before the whole file arrived'));
    }

    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.on('limit', onLimit);
    stream.resume();
  });
}

function discardRest(stream: NodeJS.ReadableStream, drainLimit: number): void {
  const destroy = (stream as { destroy?: (error?: Error) => void }).destroy?.bind(stream);
  let discarded = 0;
  // Errors after we have answered are of no interest, but must not go unhandled and crash the process.
  const ignore = () => undefined;
  stream.on('error', ignore);
  if (drainLimit <= 0) {
    if (destroy) destroy();
    else stream.pause();
    return;
  }
  const onData = (chunk: Buffer | string) => {
    discarded += chunk.length;
    if (discarded > drainLimit) {
      stream.removeListener('data', onData);
      if (destroy) destroy();
      else stream.pause();
    }
  };
  stream.on('data', onData);
  stream.resume();
}
