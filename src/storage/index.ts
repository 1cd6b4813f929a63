import { createLocalStorage, type LocalStorageOptions } from './local.ts';
import { createS3Storage, type S3StorageOptions } from './s3.ts';
import type { Storage } from './types.ts';

/** The drivers' own options, tagged with the driver that takes them. */
export type StorageConfig = ({ driver: 'local' } & LocalStorageOptions) | ({ driver: 's3' } & S3StorageOptions);

export function createStorage(config: StorageConfig): Storage {
  switch (config.driver) {
    case 'local':
      return createLocalStorage({ root: config.root, publicBaseUrl: config.publicBaseUrl, minFreeBytes: config.minFreeBytes });
    case 's3':
      return createS3Storage(config);
    default: {
      const unknown: never = config;
      throw new Error(`Unknown storage driver ${JSON.stringify((unknown as { driver: unknown }).driver)}`);
    }
  }
}

export { createLocalStorage, type LocalStorageOptions } from './local.ts';
export { createS3Storage, type S3StorageOptions } from './s3.ts';
export { InvalidStorageKeyError, StorageFullError, StorageNotFoundError, type Storage } from './types.ts';
