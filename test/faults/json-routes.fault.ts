import { readdir } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { createStaff, signInAs, type Session } from '../helpers/session.ts';

/**
 * Property-based fuzzing of every JSON route the OpenAPI document lists (public, the replaced API,
 * the stylist's and the console's with a session): whatever the body, path and query, the answer is
 * never a 5xx, and a refusal (4xx) writes nothing — no table's row count and no stored file changes.
 * FUZZ_RUNS sets the requests per route and caller (default 12); a failure prints the request.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let sessions: Record<'anonymous' | 'associate' | 'admin', Session | undefined>;
let tables: string[];

interface Route {
  method: string;
  path: string;
  params: string[];
  query: string[];
  bodyKeys: string[] | undefined;
}
const routes: Route[] = [];

/** Routes that would end the fuzzer's own session, or stream forever, are left out (named here). */
const SKIPPED = [/\/logout$/, /\/events$/, /^\/docs/, /^\/files\//, /^\/metrics/];
/** Writes a refusal is meant to make: failed sign-ins are counted and audited by design (item 7). */
const REFUSAL_WRITES: Array<[RegExp, string[]]> = [
  [/^\/api\/admin\/login$/, ['login_failures', 'audit_log']],
  [/^\/api\/admin\/me\/password$/, ['login_failures']],
];

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false, env: { LEGACY_API: 'open', LOGIN_RATE_LIMIT_MAX: '100000', LOGIN_IP_MAX_FAILURES: '100000' } });
  const admin = await createStaff(t, { role: 'admin', store: null });
  const associate = await createStaff(t, { store: 'Serrano' });
  sessions = { anonymous: undefined, associate: await signInAs(t, associate.email), admin: await signInAs(t, admin.email) };
  const doc = (await (await fetch(`${t.url}/docs/json`)).json()) as { paths: Record<string, Record<string, OpenApiOperation>> };
  for (const [p, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      if (Object.keys(content).length && !content['application/json']) continue; // multipart uploads: not JSON
      if (SKIPPED.some((re) => re.test(p))) continue;
      const schema = content['application/json']?.schema;
      routes.push({
        method: method.toUpperCase(),
        path: p,
        params: (op.parameters ?? []).filter((x) => x.in === 'path').map((x) => x.name),
        query: (op.parameters ?? []).filter((x) => x.in === 'query').map((x) => x.name),
        bodyKeys: content['application/json'] ? Object.keys(schema?.properties ?? {}) : undefined,
      });
    }
  }
  const { rows } = await t.rt.pool.query<{ name: string }>(
    `SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema IN ('public', 'graphile_worker') ORDER BY 1`,
  );
  tables = rows.map((r) => r.name);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

interface OpenApiOperation {
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

/** Row counts of every table, and every stored file: what a refusal must leave as it was. */
async function snapshot(ignored: string[] = []) {
  const counted = tables.filter((name) => !ignored.some((i) => name.endsWith(`.${i}`)));
  const { rows } = await t.rt.pool.query(`SELECT ${counted.map((n, i) => `(SELECT count(*) FROM ${n})::int AS t${i}`).join(', ')}`);
  const counts = Object.fromEntries(counted.map((n, i) => [n, rows[0][`t${i}`]]));
  return { counts, files: await listFiles((t.config.storage as { root: string }).root) };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A path segment for `value`; a lone surrogate becomes bytes that are not UTF-8 at all, as a raw client could send. */
function pathSegment(value: string): string {
  try {
    return encodeURIComponent(value) || '%20';
  } catch {
    return '%ED%A0%80';
  }
}

const nasty = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '../../etc/passwd',
  '%00',
  '\ud800',
  'x'.repeat(3000),
  '00000000-0000-4000-8000-000000000000',
  'super-120s-twill',
  'navy',
  'single-breasted',
  '-1',
  '1e309',
  'null',
  '<script>',
  ' ',
);
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), nasty, fc.uuid());
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.constantFrom(0, -1, 2 ** 31, Number.MAX_SAFE_INTEGER, 0.5, 799.5), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.dictionary(text, scalar, { maxKeys: 4 }) },
);

function bodyFor(route: Route): fc.Arbitrary<unknown> {
  const keys = route.bodyKeys ?? [];
  const shaped = keys.length ? fc.record(Object.fromEntries(keys.map((k) => [k, value])), { requiredKeys: [] }) : fc.constant({});
  return fc.oneof({ weight: 6, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 1, arbitrary: fc.constant(undefined) });
}

function requestFor(route: Route) {
  return fc.record({
    caller: fc.constantFrom('anonymous', 'associate', 'admin') as fc.Arbitrary<'anonymous' | 'associate' | 'admin'>,
    params: fc.tuple(...route.params.map(() => text)),
    query: fc.dictionary(route.query.length ? fc.constantFrom(...route.query) : text, text, { maxKeys: 3 }),
    body: route.method === 'GET' || route.method === 'HEAD' ? fc.constant(undefined) : bodyFor(route),
  });
}

describe('fuzzing every JSON route', () => {
  it('never answers 5xx, and a refusal writes nothing', { timeout: 600_000 }, async () => {
    expect(routes.length).toBeGreaterThan(20);
    const seen = new Map<string, Set<number>>();
    for (const route of routes) {
      const ignored = REFUSAL_WRITES.filter(([re]) => re.test(route.path)).flatMap(([, names]) => names);
      await fc.assert(
        fc.asyncProperty(requestFor(route), async ({ caller, params, query, body }) => {
          let url = route.path;
          route.params.forEach((name, i) => {
            url = url.replace(`{${name}}`, pathSegment(params[i] as string));
          });
          const qs = Object.entries(query as Record<string, string>)
            .map(([k, v]) => `${pathSegment(k)}=${pathSegment(v)}`)
            .join('&');
          const session = sessions[caller];
          const before = await snapshot(ignored);
          const init: RequestInit = {
            method: route.method,
            headers: { origin: t.url, ...(session ? { cookie: session.cookie } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
            body: body === undefined ? undefined : JSON.stringify(body),
          };
          const res = await fetch(`${t.url}${url}${qs ? `?${qs}` : ''}`, init);
          const text = await res.text();
          const key = `${route.method} ${route.path}`;
          seen.set(key, (seen.get(key) ?? new Set()).add(res.status));
          expect(res.status, `${route.method} ${url}?${qs} as ${caller} ${JSON.stringify(body)?.slice(0, 300)} → ${text.slice(0, 300)}`).toBeLessThan(500);
          if (res.status >= 400) {
            expect(JSON.parse(text).error.message, text).toEqual(expect.any(String));
            expect(await snapshot(ignored), `${route.method} ${url} refused with ${res.status} but wrote`).toEqual(before);
          }
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
    }
    // What the fuzzer reached, for whoever reads the log: route → statuses seen.
    console.log([...seen].map(([k, v]) => `${k}: ${[...v].sort().join(' ')}`).join('\n'));
  });
});
