import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type GetObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { DEFAULT_CONTENT_TYPE } from './content-types.ts';
import { assertValidKey, encodeKeyForUrl, keyFromPrefixedUrl, trimTrailingSlashes } from './keys.ts';
import { StorageNotFoundError, type Storage } from './types.ts';

export interface S3StorageOptions {
  bucket: string;
  /** 'auto' for Cloudflare R2; any value for MinIO. */
  region: string;
  /** For R2, MinIO and other S3-compatible servers; omit for AWS. */
  endpoint?: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** true for MinIO and most self-hosted servers (bucket in the path, not the host name). */
  forcePathStyle: boolean;
  /**
   * Public base of the bucket (a CDN or an R2 public bucket): url(key) = publicBaseUrl + key.
   * Without it, url(key) is '/files/<key>' on our own server, which streams the object from S3.
   */
  publicBaseUrl?: string;
  /** Gives up on a connection attempt after this long (ms); default 5000. */
  connectionTimeoutMs?: number;
  /** How long check() may take before /readyz calls the store unreachable (ms); default 5000. */
  checkTimeoutMs?: number;
}

function httpStatus(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function errorName(error: unknown): string | undefined {
  return (error as { name?: string } | undefined)?.name;
}

export function createS3Storage(options: S3StorageOptions): Storage {
  const client = new S3Client({
    region: options.region,
    endpoint: options.endpoint,
    forcePathStyle: options.forcePathStyle,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // The SDK's default checksums send bodies aws-chunked; s3rver (and some S3-compatible servers)
    // then store the chunk framing as the object's bytes. Checksums only where the API demands them.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // No timeout at all is the SDK default: an unreachable endpoint would hang /readyz and uploads.
    requestHandler: { connectionTimeout: options.connectionTimeoutMs ?? 5000 },
  });
  const bucket = options.bucket;
  const publicBase = options.publicBaseUrl ? `${trimTrailingSlashes(options.publicBaseUrl)}/` : undefined;
  const checkTimeoutMs = options.checkTimeoutMs ?? 5000;

  async function getObject(key: string): Promise<GetObjectCommandOutput> {
    assertValidKey(key);
    try {
      return await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      // Only a missing key: a missing bucket (NoSuchBucket, also a 404) is a configuration fault.
      if (errorName(error) === 'NoSuchKey') throw new StorageNotFoundError(key);
      throw error;
    }
  }

  return {
    driver: 's3',

    async put(key, data, contentType) {
      assertValidKey(key);
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: data,
          ContentType: contentType,
          ContentLength: data.length,
          // Keys name their content (see the /files route): a public bucket or CDN may cache forever.
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
    },

    async get(key) {
      const object = await getObject(key);
      const bytes = await object.Body!.transformToByteArray();
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    },

    async stream(key) {
      const object = await getObject(key);
      // In Node the SDK's body is an http.IncomingMessage (a Readable); the check keeps a future
      // runtime change from surfacing as a confusing failure in the /files route.
      const body = object.Body;
      if (!(body instanceof Readable)) throw new Error('S3 GetObject did not return a Node.js stream');
      return {
        body,
        contentType: object.ContentType ?? DEFAULT_CONTENT_TYPE,
        size: object.ContentLength ?? 0,
      };
    },

    async exists(key) {
      assertValidKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        // HEAD responses carry no error body, so a missing key is just a 404 ('NotFound').
        if (httpStatus(error) === 404 || errorName(error) === 'NotFound') return false;
        throw error;
      }
    },

    async delete(key) {
      assertValidKey(key);
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },

    url(key) {
      assertValidKey(key);
      const encoded = encodeKeyForUrl(key);
      return publicBase ? publicBase + encoded : `/files/${encoded}`;
    },

    keyFromUrl(url) {
      // Our /files route streams from the bucket whether or not a public base is configured.
      return keyFromPrefixedUrl(url, publicBase ? [publicBase, '/files/'] : ['/files/']);
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket: bucket }), {
        abortSignal: AbortSignal.timeout(checkTimeoutMs),
      });
    },

    async close() {
      client.destroy();
    },
  };
}
