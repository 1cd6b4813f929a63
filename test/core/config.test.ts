import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration from the environment', () => {
  it('has working defaults for a laptop', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.database.url).toBeUndefined();
    expect(c.database.embeddedDir).toMatch(/data\/pg$/);
    expect(c.storage).toMatchObject({ driver: 'local' });
    expect(c.worker.engines).toEqual(['compose']);
  });

  it.each([
    [{ PORT: '99999' }, /PORT: expected at most 65535/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: expected a postgres/],
    [{ STORAGE: 'ftp' }, /STORAGE: expected local or s3/],
    [{ STORAGE: 's3' }, /S3_BUCKET: required when STORAGE=s3/],
    [{ NODE_ENV: 'production' }, /JWT_SECRET: expected at least 32 characters/],
    [{ WORKER_CONCURRENCY: '0' }, /WORKER_CONCURRENCY: expected at least 1/],
    [{ ENGINES: 'compose,dalle' }, /ENGINES/],
    [{ WATERMARK_OPACITY: '2' }, /WATERMARK_OPACITY: expected at most 1/],
  ])('%o is refused with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never echoes a secret in its error', () => {
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short-secret-value' });
      throw new Error('should have failed');
    } catch (error) {
      expect((error as Error).message).not.toContain('short-secret-value');
    }
  });

  it('reads lists and S3 settings', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://a.example, https://b.example',
      STORAGE: 's3',
      S3_BUCKET: 'renders',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
    });
    expect(c.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(c.storage).toMatchObject({ driver: 's3', bucket: 'renders', forcePathStyle: true });
  });
});
