import { SYSTEM_ACTOR } from '../../src/admin/audit/repository.ts';
import type { Role } from '../../src/auth/roles.ts';
import { createUser } from '../../src/auth/service.ts';
import type { TestApp } from '../helpers/harness.ts';

export const PASSWORD = 'correct horse battery staple';

export async function createAccount(t: TestApp, email: string, role: Role, password = PASSWORD) {
  return createUser({ db: t.rt.db, config: t.config }, SYSTEM_ACTOR, { email, role, password });
}

/** Signs in through the API and returns the session cookie ("atelier_session=…"). */
export async function signIn(t: TestApp, email: string, password = PASSWORD): Promise<string> {
  const res = await fetch(`${t.url}/api/admin/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: t.url },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie') ?? '';
  return cookie.split(';')[0]!;
}

export interface Console {
  (method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
}

/** Requests as a signed-in person from the console's own origin. */
export function consoleClient(t: TestApp, cookie: string | undefined): Console {
  const call = (async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const isRaw = typeof body === 'string' || body instanceof FormData || body instanceof Uint8Array;
    return fetch(t.url + path, {
      method,
      headers: {
        origin: t.url,
        ...(cookie ? { cookie } : {}),
        ...(body !== undefined && !isRaw ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : isRaw ? (body as RequestInit['body']) : JSON.stringify(body),
    });
  }) as Console;
  call.json = async (method, path, body) => {
    const res = await call(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text.slice(0, 400)}`);
    return (text ? JSON.parse(text) : undefined) as never;
  };
  return call;
}

/**
 * A photographed cloth for upload tests: the procedural herringbone at 12 px/mm, 1200 px across
 * (10 cm), as a JPEG, with its mean colour measured in linear light.
 */
export async function clothPhoto(hex = '#6B4F3A'): Promise<{ jpeg: Buffer; meanLab: number[] }> {
  const sharp = (await import('sharp')).default;
  const { generateFabricTexture, linearToLab, meanLinearRgb } = await import('../../src/fabrics/index.ts');
  const texture = generateFabricTexture({ design: { weave: 'herringbone', pattern: 'solid', threadMm: 0.3, heather: 0.1 }, hex }, 12);
  const tilePng = await sharp(Buffer.from(texture.rgb), { raw: { width: texture.width, height: texture.height, channels: 3 } })
    .png()
    .toBuffer();
  const reps = Math.ceil(1200 / Math.min(texture.width, texture.height));
  const composite = Array.from({ length: reps * reps }, (_, i) => ({
    input: tilePng,
    left: (i % reps) * texture.width,
    top: Math.floor(i / reps) * texture.height,
  }));
  const big = await sharp({ create: { width: reps * texture.width, height: reps * texture.height, channels: 3, background: '#000' } })
    .composite(composite)
    .png()
    .toBuffer();
  const jpeg = await sharp(big).extract({ left: 0, top: 0, width: 1200, height: 1200 }).jpeg({ quality: 92 }).toBuffer();
  const raw = await sharp(jpeg).raw().toBuffer();
  return { jpeg, meanLab: linearToLab(meanLinearRgb(raw, 1200, 1200)) };
}
