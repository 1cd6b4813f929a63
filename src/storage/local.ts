import { randomBytes } from 'node:crypto';
import { constants as fsConstants, type Stats } from 'node:fs';
import { access, mkdir, open, readFile, rename, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { contentTypeForKey } from './content-types.ts';
import { assertValidKey, encodeKeyForUrl, keyFromPrefixedUrl, trimTrailingSlashes } from './keys.ts';
import { isNoSpaceError, StorageFullError, StorageNotFoundError, type Storage } from './types.ts';

export interface LocalStorageOptions {
  /** Directory holding the files; created on first write or check. */
  root: string;
  /** Origin (or path prefix) of our own server; '' gives relative URLs such as '/files/renders/a.jpg'. */
  publicBaseUrl: string;
  /**
   * Writes are refused (StorageFullError) and check() fails below this much free space, so a
   * filling disk is reported before it breaks the database that often shares it. 0: only ENOSPC.
   */
  minFreeBytes?: number;
}

/** The key names something that is not a regular file (missing, or a directory prefix of other keys). */
function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** How long a free-space reading well above the reserve is trusted (less what was written since). */
const FREE_SPACE_READING_MS = 1000;

/**
 * Files under a directory. The content type comes from the key's extension; when a caller stores
 * something whose declared type differs from that, it is kept in a hidden sidecar next to the file
 * (keys can never start a segment with '.', so sidecars and temp files never collide with keys).
 */
export function createLocalStorage(options: LocalStorageOptions): Storage {
  const root = path.resolve(options.root);
  const base = trimTrailingSlashes(options.publicBaseUrl);

  function filePath(key: string): string {
    assertValidKey(key);
    const full = path.join(root, ...key.split('/'));
    // assertValidKey already rules out escapes; this guards against a future change to that rule.
    if (!full.startsWith(root + path.sep)) throw new Error(`Storage key ${key} resolves outside ${root}`);
    return full;
  }

  const minFreeBytes = options.minFreeBytes ?? 0;

  /** Bytes an unprivileged writer can still use on the filesystem holding the root. */
  async function freeBytes(): Promise<number> {
    await mkdir(root, { recursive: true });
    const fs = await statfs(root);
    return Number(fs.bavail) * Number(fs.bsize);
  }

  /** The last free-space reading, less what was written since: statfs is not asked on every write. */
  let lastFree: { at: number; free: number } | undefined;
  async function assertRoom(bytes: number, fresh = false): Promise<void> {
    if (minFreeBytes <= 0) return;
    const now = Date.now();
    // Well clear of the reserve, a reading up to FREE_SPACE_READING_MS old (less what was written since)
    // is enough; near it, every write reads again. Two fewer file-system calls per write of a preview.
    if (!fresh && lastFree && now - lastFree.at < FREE_SPACE_READING_MS && lastFree.free - bytes >= 2 * minFreeBytes) {
      lastFree.free -= bytes;
      return;
    }
    const free = await freeBytes();
    lastFree = { at: now, free };
    if (free < minFreeBytes) {
      throw new StorageFullError(`${Math.floor(free / 2 ** 20)} MiB free, below the ${Math.floor(minFreeBytes / 2 ** 20)} MiB kept in reserve`);
    }
  }

  function sidecarPath(full: string): string {
    return path.join(path.dirname(full), `.${path.basename(full)}.content-type`);
  }

  /** Temp file + rename in the same directory: readers see the old file or the new one, never half. */
  async function writeAtomic(full: string, data: Buffer | string, sync = true): Promise<{ newFolder: boolean }> {
    const dir = path.dirname(full);
    const made = await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(full)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    let renamed = false;
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(data);
        // Without this a crash shortly after rename can leave an empty file under the final name.
        if (sync) await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, full);
      renamed = true;
    } finally {
      if (!renamed) await unlink(temp).catch(() => undefined);
    }
    return { newFolder: made !== undefined };
  }

  async function storedContentType(full: string, key: string): Promise<string> {
    try {
      return (await readFile(sidecarPath(full), 'utf8')).trim();
    } catch (error) {
      if (isMissing(error)) return contentTypeForKey(key);
      throw error;
    }
  }

  async function statFile(full: string): Promise<Stats | undefined> {
    try {
      const stats = await stat(full);
      return stats.isFile() ? stats : undefined;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  return {
    driver: 'local',

    async put(key, data, contentType, options) {
      const full = filePath(key);
      await assertRoom(data.length);
      let written: { newFolder: boolean };
      try {
        written = await writeAtomic(full, data, options?.sync ?? true);
      } catch (error) {
        // writeAtomic removed its temp file: nothing half-written is left behind.
        if (isNoSpaceError(error)) throw new StorageFullError('no space left on the device');
        throw error;
      }
      const sidecar = sidecarPath(full);
      if (contentType.trim().toLowerCase() === contentTypeForKey(key).toLowerCase()) {
        // A folder made by this write holds no sidecar of an earlier one (each render has its own folder).
        if (!written.newFolder)
          await unlink(sidecar).catch((error) => {
            if (!isMissing(error)) throw error;
          });
      } else {
        await writeAtomic(sidecar, contentType.trim()).catch(async (error) => {
          // The file without its content type would be served wrongly: take it back.
          await unlink(full).catch(() => undefined);
          throw isNoSpaceError(error) ? new StorageFullError('no space left on the device') : error;
        });
      }
    },

    async get(key) {
      const full = filePath(key);
      try {
        return await readFile(full);
      } catch (error) {
        if (isMissing(error)) throw new StorageNotFoundError(key);
        throw error;
      }
    },

    async stream(key) {
      const full = filePath(key);
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(full, 'r');
      } catch (error) {
        if (isMissing(error)) throw new StorageNotFoundError(key);
        throw error;
      }
      try {
        // Size from the open handle, so it matches the bytes streamed even if the file is replaced meanwhile.
        const stats = await handle.stat();
        if (!stats.isFile()) throw new StorageNotFoundError(key);
        const contentType = await storedContentType(full, key);
        // The stream owns the handle from here on and closes it on end, error or destroy.
        return { body: handle.createReadStream(), contentType, size: stats.size };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async exists(key) {
      return (await statFile(filePath(key))) !== undefined;
    },

    async delete(key) {
      const full = filePath(key);
      for (const target of [full, sidecarPath(full)]) {
        try {
          await unlink(target);
        } catch (error) {
          if (!isMissing(error)) throw error;
        }
      }
    },

    url(key) {
      assertValidKey(key);
      return `${base}/files/${encodeKeyForUrl(key)}`;
    },

    keyFromUrl(url) {
      // The bare path is ours too: clients on our own origin may send it without the base.
      return keyFromPrefixedUrl(url, base ? [`${base}/files/`, '/files/'] : ['/files/']);
    },

    async check() {
      await mkdir(root, { recursive: true });
      const stats = await stat(root);
      if (!stats.isDirectory()) throw new Error(`Storage root ${root} is not a directory`);
      // access(2) reports EROFS for a read-only mount too, not only missing permissions.
      await access(root, fsConstants.R_OK | fsConstants.W_OK);
      // Readiness always reads the disk afresh.
      await assertRoom(0, true);
      // A full disk still passes access(2): write, read back and remove a small probe.
      const probe = path.join(root, `.readyz.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
      try {
        await writeFile(probe, 'atelier readiness probe\n');
        await unlink(probe);
      } catch (error) {
        await unlink(probe).catch(() => undefined);
        if (isNoSpaceError(error)) throw new StorageFullError('no space left on the device');
        throw error;
      }
    },

    async freeBytes() {
      return freeBytes();
    },

    async close() {},
  };
}
