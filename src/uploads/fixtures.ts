/**
 * Hostile and broken images for tests, built byte by byte so they are what they claim to be.
 * Shared with the route tests that exercise uploads over HTTP.
 */
import zlib from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG uses it (ISO 3309); written out because zlib.crc32 is newer than Node 20.11. */
export function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Bytes the IDAT of a 1-bit greyscale PNG of this size inflates to: a filter byte per row, then the bits. */
export function pngBombInflatedSize(width: number, height: number): number {
  return height * (1 + Math.ceil(width / 8));
}

/**
 * A genuine PNG decompression bomb: a valid 1-bit greyscale image of width × height black pixels
 * whose IDAT really inflates to every row (112.5 MB for 30000 × 30000) and which a decoder would
 * expand to width × height bytes (900 MB), from a file of about 110 kB.
 *
 * The zlib stream is assembled rather than compressed in one go: one block of zeros deflated with a
 * full flush is byte-aligned and refers to nothing before it, so it can be repeated; the Adler-32 of
 * n zero bytes is ((n mod 65521) << 16) | 1.
 */
export function makePngBomb(width = 30000, height = 30000): Buffer {
  const total = pngBombInflatedSize(width, height);
  const blockSize = 4 * 1024 * 1024;
  const block = zlib.deflateRawSync(Buffer.alloc(blockSize), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const repeats = Math.floor(total / blockSize);
  const tail = zlib.deflateRawSync(Buffer.alloc(total - repeats * blockSize), { level: 9 });
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0);
  const idat = Buffer.concat([Buffer.from([0x78, 0xda]), ...Array<Buffer>(repeats).fill(block), tail, adler]);

  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** Returns the concatenated IDAT payload of a PNG. */
export function pngIdat(png: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 8; offset + 8 <= png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    if (type === 'IDAT') parts.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return Buffer.concat(parts);
}

/** A copy of a baseline JPEG whose frame header (SOF0) declares another size; the scan data stays small. */
export function jpegDeclaringSize(jpeg: Buffer, width: number, height: number): Buffer {
  const copy = Buffer.from(jpeg);
  for (let offset = 2; offset + 4 <= copy.length; ) {
    if (copy[offset] !== 0xff) throw new Error('jpegDeclaringSize: lost track of the markers');
    const marker = copy[offset + 1];
    const length = copy.readUInt16BE(offset + 2);
    if (marker === 0xc0 || marker === 0xc2) {
      copy.writeUInt16BE(height, offset + 5);
      copy.writeUInt16BE(width, offset + 7);
      return copy;
    }
    offset += 2 + length;
  }
  throw new Error('jpegDeclaringSize: no SOF0/SOF2 marker');
}
