import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { StorageConfig } from './index.ts';

/**
 * An S3-compatible server for tests: s3rver, in-process, on a random port on 127.0.0.1, storing
 * into a fresh temp directory that stop() removes. No MinIO can be had from npm or Debian; s3rver
 * speaks the S3 REST protocol, but note what it does not check: it verifies the access key id, not
 * SigV4 signatures, so a wrong secret goes unnoticed here.
 */
export interface S3TestServer {
  endpoint: string;
  port: number;
  bucket: string;
  /** Ready for createStorage(); credentials are the ones s3rver accepts. */
  config: Extract<StorageConfig, { driver: 's3' }>;
  stop(): Promise<void>;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

export async function startS3TestServer(options: { bucket?: string } = {}): Promise<S3TestServer> {
  const bucket = options.bucket ?? 'atelier-test';
  const directory = await mkdtemp(path.join(os.tmpdir(), 'atelier-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    // Only path-style access: vhost detection would read the bucket from Host names like 127.0.0.1.
    vhostBuckets: false,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  let address: AddressInfo;
  try {
    address = await server.run();
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const endpoint = `http://127.0.0.1:${address.port}`;
  let stopped = false;
  return {
    endpoint,
    port: address.port,
    bucket,
    config: {
      driver: 's3',
      bucket,
      region: 'us-east-1',
      endpoint,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      forcePathStyle: true,
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      // Clients keep sockets alive; close() alone would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
