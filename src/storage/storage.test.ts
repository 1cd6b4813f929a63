import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createS3Storage, createStorage, InvalidStorageKeyError, StorageNotFoundError, type Storage } from './index.ts';
import { startS3TestServer, type S3TestServer } from './s3-test-server.ts';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const BAD_KEYS = [
  '',
  '../etc/passwd',
  'renders/../../etc/passwd',
  'renders/..',
  'a..b/c.jpg',
  '/etc/passwd',
  '/renders/a.jpg',
  'renders\\a.jpg',
  '..\\..\\windows',
  'renders//a.jpg',
  'renders/',
  'renders/./a.jpg',
  '.hidden',
  'renders/.a.jpg.content-type',
  'renders/a\u0000.jpg',
  'x'.repeat(1025),
];

interface ContractSubject {
  storage: Storage;
  /** What url(key) must return for this driver's configuration. */
  expectedUrl(key: string): string;
  /**
   * Whether concurrent writes to one key can be checked here. The local driver makes them atomic
   * itself (temp file + rename). The s3 driver hands each write to one PutObject, which S3 and R2
   * make atomic; s3rver, the stand-in here, writes objects in place, so on a busy machine two
   * writes interleave in the fake — a property of the fake, not of our code.
   */
  atomicWrites: boolean;
}

/** The behaviour every driver must share: the rest of Atelier only ever sees the Storage interface. */
function describeStorageContract(name: string, setup: () => Promise<ContractSubject & { teardown(): Promise<void> }>) {
  describe(`Storage contract: ${name}`, () => {
    let subject: ContractSubject & { teardown(): Promise<void> };
    let storage: Storage;

    beforeAll(async () => {
      subject = await setup();
      storage = subject.storage;
    });
    afterAll(async () => {
      await subject?.teardown();
    });

    it('passes check() when the store is reachable', async () => {
      await expect(storage.check()).resolves.toBeUndefined();
    });

    it('puts and gets an object with its content type', async () => {
      await storage.put('renders/ab/abcdef.json', Buffer.from('{"ok":true}'), 'application/json');
      expect((await storage.get('renders/ab/abcdef.json')).toString()).toBe('{"ok":true}');
      const { body, contentType, size } = await storage.stream('renders/ab/abcdef.json');
      expect(contentType).toBe('application/json');
      expect(size).toBe(11);
      expect((await readAll(body)).toString()).toBe('{"ok":true}');
    });

    it('round-trips 3 MB of random bytes exactly, through get and stream', async () => {
      const data = randomBytes(3 * 1024 * 1024);
      await storage.put('renders/big/random.bin', data, 'application/octet-stream');
      const got = await storage.get('renders/big/random.bin');
      expect(got.length).toBe(data.length);
      expect(got.equals(data)).toBe(true);
      const streamed = await storage.stream('renders/big/random.bin');
      expect(streamed.size).toBe(data.length);
      expect(streamed.contentType).toBe('application/octet-stream');
      expect((await readAll(streamed.body)).equals(data)).toBe(true);
    });

    it('keeps the declared content type of an image', async () => {
      await storage.put('swatches/s1.webp', Buffer.from('RIFF....WEBP'), 'image/webp');
      expect((await storage.stream('swatches/s1.webp')).contentType).toBe('image/webp');
      // A type that the extension does not imply must survive too.
      await storage.put('swatches/s2.bin', Buffer.from([1, 2, 3]), 'image/png');
      const streamed = await storage.stream('swatches/s2.bin');
      expect(streamed.contentType).toBe('image/png');
      await readAll(streamed.body);
    });

    it('overwrites an existing key with the new content', async () => {
      await storage.put('renders/over.txt', Buffer.from('first version, longer'), 'text/plain; charset=utf-8');
      await storage.put('renders/over.txt', Buffer.from('second'), 'text/plain; charset=utf-8');
      expect((await storage.get('renders/over.txt')).toString()).toBe('second');
    });

    it('ends concurrent writes to one key with exactly one of them', async (ctx) => {
      if (!subject.atomicWrites) return ctx.skip("s3rver writes objects in place; atomic PUTs are S3's guarantee");
      const versions = Array.from({ length: 6 }, (_, i) => Buffer.alloc(256 * 1024, i + 1));
      await Promise.all(versions.map((v) => storage.put('renders/race.bin', v, 'application/octet-stream')));
      const got = await storage.get('renders/race.bin');
      expect(versions.some((v) => v.equals(got))).toBe(true);
    });

    it('stores empty objects', async () => {
      await storage.put('renders/empty.bin', Buffer.alloc(0), 'application/octet-stream');
      expect((await storage.get('renders/empty.bin')).length).toBe(0);
      const streamed = await storage.stream('renders/empty.bin');
      expect(streamed.size).toBe(0);
      expect((await readAll(streamed.body)).length).toBe(0);
    });

    it('handles keys with spaces and non-ASCII letters', async () => {
      const key = 'swatches/Café crème 120s.png';
      await storage.put(key, Buffer.from('x'), 'image/png');
      expect((await storage.get(key)).toString()).toBe('x');
      expect(await storage.exists(key)).toBe(true);
      expect(storage.url(key)).toBe(subject.expectedUrl('swatches/Caf%C3%A9%20cr%C3%A8me%20120s.png'));
    });

    it('reports existence, and a key prefix is not an object', async () => {
      await storage.put('renders/cd/exists.jpg', Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg');
      expect(await storage.exists('renders/cd/exists.jpg')).toBe(true);
      expect(await storage.exists('renders/cd/missing.jpg')).toBe(false);
      expect(await storage.exists('renders/cd')).toBe(false);
      expect(await storage.exists('never/written/anywhere.jpg')).toBe(false);
    });

    it('deletes, and deleting a missing key is not an error', async () => {
      await storage.put('renders/del/x.jpg', Buffer.from('x'), 'image/jpeg');
      await storage.delete('renders/del/x.jpg');
      expect(await storage.exists('renders/del/x.jpg')).toBe(false);
      await expect(storage.get('renders/del/x.jpg')).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(storage.delete('renders/del/x.jpg')).resolves.toBeUndefined();
      await expect(storage.delete('never/written.jpg')).resolves.toBeUndefined();
    });

    it('rejects get and stream of a missing key with StorageNotFoundError naming the key', async () => {
      const get = storage.get('renders/zz/missing.jpg');
      await expect(get).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(get).rejects.toMatchObject({ key: 'renders/zz/missing.jpg' });
      await expect(storage.stream('renders/zz/missing.jpg')).rejects.toBeInstanceOf(StorageNotFoundError);
      // A prefix of existing keys is not an object either.
      await storage.put('renders/pp/q.jpg', Buffer.from('q'), 'image/jpeg');
      await expect(storage.get('renders/pp')).rejects.toBeInstanceOf(StorageNotFoundError);
      await expect(storage.stream('renders/pp')).rejects.toBeInstanceOf(StorageNotFoundError);
    });

    it('builds URLs', () => {
      expect(storage.url('renders/ab/abcdef.jpg')).toBe(subject.expectedUrl('renders/ab/abcdef.jpg'));
    });

    it("maps its own URLs back to keys, and nobody else's", () => {
      for (const key of ['renders/ab/abcdef.jpg', 'swatches/Café crème 120s.png']) {
        expect(storage.keyFromUrl!(storage.url(key))).toBe(key);
        expect(storage.keyFromUrl!(`${storage.url(key)}?v=2#top`)).toBe(key);
      }
      expect(storage.keyFromUrl!('/files/swatches/a.jpg')).toBe('swatches/a.jpg');
      for (const foreign of [
        'https://evil.example/files/swatches/a.jpg',
        'file:///etc/passwd',
        '/etc/passwd',
        '/files/../config.json',
        '/files/%2e%2e/config.json',
        '/files/swatches%2F..%2F..%2Fetc/passwd',
        '/files/a%5Cb.jpg',
        '/files/',
        '/files/%E0%A4%A.jpg',
        'http://169.254.169.254/latest/meta-data/',
      ]) {
        expect(storage.keyFromUrl!(foreign), foreign).toBeUndefined();
      }
    });

    it.each(BAD_KEYS.map((key) => [JSON.stringify(key).slice(0, 40), key]))('refuses the key %s everywhere', async (_label, key) => {
      await expect(storage.put(key, Buffer.from('x'), 'text/plain')).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.get(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.stream(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.exists(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidStorageKeyError);
      expect(() => storage.url(key)).toThrow(InvalidStorageKeyError);
    });

    it('explains why a key is refused', async () => {
      await expect(storage.get('../secret')).rejects.toThrow(/Invalid storage key "\.\.\/secret": '\.\.' is not allowed/);
      await expect(storage.get('/abs.jpg')).rejects.toThrow(/absolute paths are not allowed/);
      await expect(storage.get('a\\b.jpg')).rejects.toThrow(/backslashes are not allowed/);
      await expect(storage.get('a//b.jpg')).rejects.toThrow(/empty segment/);
    });
  });
}

// ---------------------------------------------------------------------------------------------

describeStorageContract('local driver', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'atelier-local-storage-'));
  return {
    storage: createStorage({ driver: 'local', root, publicBaseUrl: 'https://atelier.example' }),
    expectedUrl: (key) => `https://atelier.example/files/${key}`,
    atomicWrites: true,
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});

describeStorageContract('s3 driver against s3rver', async () => {
  const server = await startS3TestServer({ bucket: 'contract' });
  const storage = createStorage(server.config);
  return {
    storage,
    expectedUrl: (key) => `/files/${key}`,
    atomicWrites: false,
    async teardown() {
      await storage.close?.();
      await server.stop();
    },
  };
});

// ---------------------------------------------------------------------------------------------

describe('local driver', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'atelier-local-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes files under root at their key, creating directories, leaving no temp files', async () => {
    const storage = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    await storage.put('renders/ab/cd/ef.jpg', Buffer.from('jpeg bytes'), 'image/jpeg');
    expect(await readFile(path.join(root, 'renders/ab/cd/ef.jpg'), 'utf8')).toBe('jpeg bytes');
    expect(await readdir(path.join(root, 'renders/ab/cd'))).toEqual(['ef.jpg']);
  });

  it('flushes each file to disk before answering, except a cache entry written with sync: false (still whole, temp + rename)', async () => {
    const storage = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    const probe = await open(path.join(root, '.probe'), 'w');
    const handleProto = Object.getPrototypeOf(probe) as { sync(): Promise<void> };
    await probe.close();
    const sync = vi.spyOn(handleProto, 'sync');
    try {
      await storage.put('renders/durable/full.jpg', Buffer.from('kept'), 'image/jpeg');
      expect(sync).toHaveBeenCalledTimes(1);
      sync.mockClear();
      await storage.put('renders/cache/preview.jpg', Buffer.from('a preview'), 'image/jpeg', { sync: false });
      expect(sync).not.toHaveBeenCalled();
    } finally {
      sync.mockRestore();
    }
    expect(await readFile(path.join(root, 'renders/cache/preview.jpg'), 'utf8')).toBe('a preview');
    expect(await readdir(path.join(root, 'renders/cache'))).toEqual(['preview.jpg']);
  });

  it('removes its temp file when the final rename fails', async () => {
    const storage = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    await mkdir(path.join(root, 'blocked/target.jpg'), { recursive: true });
    await expect(storage.put('blocked/target.jpg', Buffer.from('x'), 'image/jpeg')).rejects.toThrow();
    expect(await readdir(path.join(root, 'blocked'))).toEqual(['target.jpg']);
  });

  it('never lets a reader see a half-written file', async () => {
    const storage = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    const a = Buffer.alloc(2 * 1024 * 1024, 0xaa);
    const b = Buffer.alloc(2 * 1024 * 1024, 0xbb);
    await storage.put('renders/swap.bin', a, 'application/octet-stream');
    let writing = true;
    const writer = (async () => {
      for (let i = 0; i < 20; i++) await storage.put('renders/swap.bin', i % 2 ? a : b, 'application/octet-stream');
      writing = false;
    })();
    let reads = 0;
    while (writing) {
      const got = await storage.get('renders/swap.bin');
      expect(got.equals(a) || got.equals(b)).toBe(true);
      reads++;
    }
    await writer;
    expect(reads).toBeGreaterThan(0);
  });

  it('keeps a declared type that differs from the extension in a sidecar, and drops it when it matches again', async () => {
    const storage = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    await storage.put('side/x.bin', Buffer.from('x'), 'image/png');
    expect(await readdir(path.join(root, 'side'))).toContain('.x.bin.content-type');
    await storage.put('side/x.bin', Buffer.from('x'), 'application/octet-stream');
    expect(await readdir(path.join(root, 'side'))).toEqual(['x.bin']);
    await storage.put('side/y.bin', Buffer.from('y'), 'image/png');
    await storage.delete('side/y.bin');
    expect(await readdir(path.join(root, 'side'))).toEqual(['x.bin']);
  });

  it('makes relative URLs with an empty publicBaseUrl and ignores a trailing slash', () => {
    const relative = createStorage({ driver: 'local', root, publicBaseUrl: '' });
    expect(relative.url('renders/a.jpg')).toBe('/files/renders/a.jpg');
    expect(relative.keyFromUrl!('/files/renders/a.jpg')).toBe('renders/a.jpg');
    expect(relative.keyFromUrl!('https://atelier.example/files/renders/a.jpg')).toBeUndefined();
    expect(createStorage({ driver: 'local', root, publicBaseUrl: 'https://x.example/' }).url('renders/a.jpg')).toBe('https://x.example/files/renders/a.jpg');
  });

  it('creates a missing root on check() and fails check() when root is not a directory', async () => {
    const fresh = path.join(root, 'not-yet', 'files');
    await createStorage({ driver: 'local', root: fresh, publicBaseUrl: '' }).check();
    expect(existsSync(fresh)).toBe(true);
    const file = path.join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(createStorage({ driver: 'local', root: file, publicBaseUrl: '' }).check()).rejects.toThrow();
  });

  it('never touches files outside root', async () => {
    const storage = createStorage({ driver: 'local', root: path.join(root, 'inner'), publicBaseUrl: '' });
    await writeFile(path.join(root, 'outside.txt'), 'secret');
    await expect(storage.get('../outside.txt')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    await expect(storage.delete('../outside.txt')).rejects.toBeInstanceOf(InvalidStorageKeyError);
    expect(await readFile(path.join(root, 'outside.txt'), 'utf8')).toBe('secret');
  });
});

describe('s3 driver', () => {
  let server: S3TestServer;
  const opened: Storage[] = [];
  const open = (overrides: Partial<S3TestServer['config']> = {}) => {
    const storage = createStorage({ ...server.config, ...overrides });
    opened.push(storage);
    return storage;
  };

  beforeAll(async () => {
    server = await startS3TestServer({ bucket: 'atelier-files' });
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close?.()));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('stores the exact bytes on the server, not aws-chunked framing (read back without the SDK)', async () => {
    const storage = open();
    const data = randomBytes(3 * 1024 * 1024);
    await storage.put('renders/raw/check.bin', data, 'application/octet-stream');
    // s3rver serves unsigned GETs, so this reads what the server stored, bypassing the SDK entirely.
    const response = await fetch(`${server.endpoint}/atelier-files/renders/raw/check.bin`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    const raw = Buffer.from(await response.arrayBuffer());
    expect(raw.length).toBe(data.length);
    expect(raw.equals(data)).toBe(true);
  });

  it('uses the public base URL (CDN or R2 public bucket) when one is configured', () => {
    expect(open({ publicBaseUrl: 'https://cdn.example.com/atelier' }).url('renders/ab/c.jpg')).toBe('https://cdn.example.com/atelier/renders/ab/c.jpg');
    expect(open({ publicBaseUrl: 'https://pub-123.r2.dev/' }).url('renders/ab/c.jpg')).toBe('https://pub-123.r2.dev/renders/ab/c.jpg');
    expect(open().url('renders/ab/c.jpg')).toBe('/files/renders/ab/c.jpg');
    const cdn = open({ publicBaseUrl: 'https://cdn.example.com/atelier' });
    expect(cdn.keyFromUrl!('https://cdn.example.com/atelier/renders/ab/c.jpg')).toBe('renders/ab/c.jpg');
    expect(cdn.keyFromUrl!('/files/renders/ab/c.jpg')).toBe('renders/ab/c.jpg');
    expect(cdn.keyFromUrl!('https://cdn.example.com/other/renders/ab/c.jpg')).toBeUndefined();
  });

  it('fails check() for a bucket that does not exist', async () => {
    await expect(open({ bucket: 'no-such-bucket' }).check()).rejects.toThrow();
  });

  it('does not call a missing bucket a missing key', async () => {
    const storage = open({ bucket: 'no-such-bucket' });
    const error = await storage.get('renders/a.jpg').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(StorageNotFoundError);
  });

  it('fails check() with an unknown access key', async () => {
    // s3rver checks the key id only (not SigV4 signatures), so that is what can be tested here.
    await expect(open({ accessKeyId: 'NOT-A-KEY' }).check()).rejects.toThrow();
  });

  it('fails check() once the server has stopped', async () => {
    const own = await startS3TestServer({ bucket: 'short-lived' });
    const storage = open(own.config);
    await storage.check();
    await storage.put('a.txt', Buffer.from('a'), 'text/plain');
    await own.stop();
    await expect(storage.check()).rejects.toThrow(/ECONNREFUSED/);
    await expect(storage.get('a.txt')).rejects.not.toBeInstanceOf(StorageNotFoundError);
  });

  it('fails check() in bounded time when the server accepts connections but never answers', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const quick = createS3Storage({ ...server.config, endpoint: `http://127.0.0.1:${port}`, checkTimeoutMs: 300 });
      opened.push(quick);
      const started = Date.now();
      await expect(quick.check()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

afterAll(() => {
  // Every server and client above must be closed by now: a leftover socket or listener would keep
  // a test process (or a real server's shutdown) hanging.
  const leftovers = process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP'));
  expect(leftovers).toEqual([]);
});
