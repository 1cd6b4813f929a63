import type { Readable } from 'node:stream';

/**
 * Where renders and uploaded swatches live. Keys are relative, '/'-separated paths such as
 * 'renders/ab/abcdef.jpg'; drivers never accept '..' or absolute keys.
 */
export interface Storage {
  readonly driver: 'local' | 's3';
  /**
   * Writes an object whole (readers see the old one or the new one). `sync: false` skips flushing a
   * local file to disk before answering: for cache entries (a live preview), where a power cut losing
   * the file costs a redraw, as losing its not-yet-durable name already would. S3 is always durable.
   */
  put(key: string, data: Buffer, contentType: string, options?: { sync?: boolean }): Promise<void>;
  get(key: string): Promise<Buffer>;
  /**
   * Stream an object; rejects with StorageNotFoundError when missing. The caller must read the body
   * to its end or destroy it: an S3 body holds an HTTP connection until then.
   */
  stream(key: string): Promise<{ body: Readable; contentType: string; size: number }>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key resolves, as S3's DeleteObject does. */
  delete(key: string): Promise<void>;
  /** Public URL for a key (a path served by our own /files route, or a bucket/CDN URL). */
  url(key: string): string;
  /**
   * The inverse of url(): the key a URL handed out by this store points at, or undefined when the URL
   * is not one of ours (e.g. a swatch_url sent back by a client). Says nothing about existence.
   */
  keyFromUrl?(url: string): string | undefined;
  /** Throws when the backing store cannot be reached or written (full): used by /readyz. */
  check(): Promise<void>;
  /** Free bytes where the store writes, when the driver can tell (local files). */
  freeBytes?(): Promise<number>;
  /** Releases connections (the S3 client's keep-alive sockets); call once at shutdown. */
  close?(): Promise<void>;
}

export class StorageNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object at ${key}`);
    this.name = 'StorageNotFoundError';
  }
}

/** A key that could escape the store or mean different things to different drivers: a caller's bug. */
export class InvalidStorageKeyError extends Error {
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

/** The store has no room left (ENOSPC, a quota, or less free space than STORAGE_MIN_FREE_MB): 507 to clients. */
export class StorageFullError extends Error {
  constructor(readonly detail: string) {
    super(`Storage is full: ${detail}`);
    this.name = 'StorageFullError';
  }
}

/** ENOSPC and EDQUOT: the filesystem (or the user's quota) has no room for the write. */
export function isNoSpaceError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
