import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestApp, startTestDatabase, type TestApp } from '../helpers/harness.ts';
import { stylistFor } from '../helpers/session.ts';

/**
 * The contract as a client sees it: /docs/json from a running app is a valid OpenAPI 3 document that
 * names every route the app serves (public API, the replaced system's API, the console), each with the
 * schemas of its parameters, body and answers — generated from the same Zod schemas that validate them.
 */

let pg: Awaited<ReturnType<typeof startTestDatabase>>;
let t: TestApp;
let doc: any;

beforeAll(async () => {
  pg = await startTestDatabase();
  t = await startTestApp({ databaseUrl: pg.url, worker: false, seedDemo: false });
  const res = await fetch(`${t.url}/docs/json`);
  expect(res.status).toBe(200);
  doc = await json(res);
});
afterAll(async () => {
  await t?.close();
  await pg?.stop();
});

/** Fastify's `/a/:id` as OpenAPI writes it, `/a/{id}`. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** The routes the app really serves, read from Fastify's route tree (printRoutes draws it). */
function servedRoutes(): Array<{ method: string; url: string }> {
  const stack: string[] = [];
  const routes: Array<{ method: string; url: string }> = [];
  for (const line of t.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const at = line.indexOf('── ');
    if (at < 0) continue;
    const match = / \(([A-Z, ]+)\)$/.exec(line);
    const segment = line.slice(at + 3).replace(/ \(.*\)$/, '');
    stack.length = Math.round(at / 4);
    stack.push(segment);
    if (!match) continue;
    const url = stack.join('').replace(/\/\//g, '/');
    for (const method of match[1]!.split(', ')) if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url });
  }
  return routes;
}

/**
 * Not API: the web app's pages and assets, and the documentation itself. The web app's catch-all `/*`
 * also shows up as `/api*` once `/api` itself is a route (the route tree splits the wildcard there).
 */
const NOT_API = /^\/(docs|index\.html$|looks\/|admin|\*$|api\*$|$)/;

describe('the API contract at /docs', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\.\d+\.\d+$/);
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)?.slice(0, 2000)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('names the public API, the replaced API and the console', () => {
    const operations = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    for (const expected of [
      'GET /api/catalog',
      'GET /api/cuts',
      'GET /api/swatches/{family}/{color}.jpg',
      'POST /api/renders',
      'GET /api/renders',
      'GET /api/renders/{id}',
      'GET /api/renders/{id}/events',
      'POST /api/swatch-uploads',
      'POST /api/looks',
      'GET /api/looks/{token}',
      'GET /catalog',
      'POST /generate',
      'GET /jobs/{id}',
      'POST /upload-swatch',
      'GET /health',
      'GET /healthz',
      'GET /readyz',
      'GET /version',
      'POST /api/admin/login',
      'GET /api/admin/me',
      'GET /api/admin/families',
      'PATCH /api/admin/families/{id}',
      'POST /api/admin/swatches',
      'POST /api/admin/previews',
      'POST /api/admin/cuts/{id}/views',
      'GET /api/admin/catalog/export',
      'POST /api/admin/catalog/import',
      'GET /api/admin/renders',
      'POST /api/admin/renders/purge',
      'GET /api/admin/audit',
      'GET /api/admin/users',
      'GET /api/admin/system',
    ]) {
      expect(operations, expected).toContain(expected);
    }
  });

  it('documents every route the app serves, none left out', () => {
    const served = servedRoutes().filter((r) => !NOT_API.test(r.url));
    expect(served.length).toBeGreaterThanOrEqual(55);
    const missing = served.filter((r) => !doc.paths[openApiPath(r.url)]?.[r.method.toLowerCase()]).map((r) => `${r.method} ${r.url}`);
    expect(missing).toEqual([]);
  });

  it('gives every operation its parameters, its body and the schema of each answer', () => {
    const problems: string[] = [];
    for (const [p, ops] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(ops)) {
        const name = `${method.toUpperCase()} ${p}`;
        const pathParams = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = (op.parameters ?? []).filter((x: any) => x.in === 'path').map((x: any) => x.name);
        for (const param of pathParams) if (!declared.includes(param)) problems.push(`${name}: path parameter ${param} undocumented`);
        for (const param of op.parameters ?? []) if (!param.schema) problems.push(`${name}: parameter ${param.name} has no schema`);
        if (['post', 'put', 'patch'].includes(method) && !/logout|\/retry$|\/cancel$/.test(p)) {
          const content = op.requestBody?.content ?? {};
          const schemas = Object.values(content).map((c: any) => c.schema);
          if (!schemas.length || schemas.some((s) => !s)) problems.push(`${name}: no request body schema`);
        }
        const answers = Object.entries(op.responses ?? {}).filter(([status]) => /^2/.test(status));
        if (!answers.length) problems.push(`${name}: no 2xx answer`);
        for (const [status, answer] of answers as Array<[string, any]>) {
          if (status === '204') continue;
          const content = answer.content ?? {};
          if (!Object.keys(content).length) problems.push(`${name}: answer ${status} has no content`);
          for (const [type, c] of Object.entries(content) as Array<[string, any]>) if (!c.schema) problems.push(`${name}: ${status} ${type} has no schema`);
        }
        if (!op.responses?.['4XX'] && !op.responses?.['4xx'] && !Object.keys(op.responses ?? {}).some((s) => /^4/.test(s))) {
          problems.push(`${name}: the error answer is undocumented`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('writes the request and answer shapes out, not as empty schemas', () => {
    const renders = doc.paths['/api/renders'].post;
    const body = renders.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['family', 'cuts']));
    expect(body.properties.cuts.type).toBe('array');
    const answer = renders.responses['202'].content['application/json'].schema;
    expect(JSON.stringify(answer)).toContain('batchId');
    const render = doc.paths['/api/renders/{id}'].get.responses['200'].content['application/json'].schema;
    const resolved = render.$ref ? doc.components.schemas[render.$ref.split('/').pop()] : render;
    expect(resolved.properties.status.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'canceled']);
    const families = doc.paths['/api/admin/families'].get;
    expect(families.parameters.map((x: any) => x.name)).toEqual(expect.arrayContaining(['q', 'status', 'sort', 'page', 'pageSize']));
    const error = doc.paths['/api/catalog'].get.responses['4XX'] ?? doc.paths['/api/catalog'].get.responses['4xx'];
    const errorSchema = error.content['application/json'].schema;
    const errorResolved = errorSchema.$ref ? doc.components.schemas[errorSchema.$ref.split('/').pop()] : errorSchema;
    expect(errorResolved.properties.error.required).toEqual(expect.arrayContaining(['code', 'message']));
  });

  it('serves the documentation as an HTML page', async () => {
    const res = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/<html/i);
    expect(html).toMatch(/swagger-ui|api-reference/i);
  });
});

describe('answers are checked against their schema', () => {
  it('refuses to send an answer that breaks the contract: a 500 for us to fix, not a silent drift', async () => {
    // A family written behind the API's back, with a design no schema admits (no weave).
    const family = await t.rt.db
      .insertInto('fabric_families')
      .values({ slug: 'contract-breaker', name: 'Broken', design: JSON.stringify({ pattern: 'solid', threadMm: 0.3 }), active: true, sort: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.rt.db.insertInto('fabric_colors').values({ family_id: family.id, slug: 'grey', name: 'Grey', hex: '#777777', active: true, sort: 0 }).execute();
    // The API hears of a catalogue change through NOTIFY, a moment later (on a loaded machine, after
    // the next request): told now, as its own writes do, so each request below reads what was written.
    t.rt.catalog.invalidate();
    try {
      const res = await fetch(`${t.url}/api/catalog`);
      expect(res.status).toBe(500);
      const body = await json(res);
      expect(body.error.code).toBe('internal');
      expect(JSON.stringify(body)).not.toContain('contract-breaker');
    } finally {
      await t.rt.db.deleteFrom('fabric_colors').where('family_id', '=', family.id).execute();
      await t.rt.db.deleteFrom('fabric_families').where('id', '=', family.id).execute();
      t.rt.catalog.invalidate();
    }
    // The same route answers again once the data is right.
    const again = await fetch(`${t.url}/api/catalog`);
    expect(again.status).toBe(200);
  });

  it('keeps the 422 with the field path for a request that breaks it', async () => {
    const res = await (await stylistFor(t)).fetch('/api/renders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ family: 'x', cuts: [] }),
    });
    expect(res.status).toBe(422);
    const body = await json(res);
    expect(body.error).toMatchObject({ code: 'validation_failed', message: 'cuts: choose at least one cut' });
  });
});
