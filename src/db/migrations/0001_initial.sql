-- Atelier's domain schema. graphile-worker keeps its own tables in the graphile_worker schema.

CREATE TABLE fabric_families (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug         text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,79}$'),
  name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  composition  text NOT NULL DEFAULT '',
  weight_gsm   integer CHECK (weight_gsm BETWEEN 50 AND 1500),
  season       text NOT NULL DEFAULT 'all-season' CHECK (season IN ('all-season', 'spring-summer', 'autumn-winter')),
  description  text NOT NULL DEFAULT '',
  design       jsonb NOT NULL,
  legacy       jsonb,
  active       boolean NOT NULL DEFAULT true,
  archived_at  timestamptz,
  sort         integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fabric_colors (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  family_id       uuid NOT NULL REFERENCES fabric_families (id) ON DELETE RESTRICT,
  slug            text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,79}$'),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  hex             text NOT NULL CHECK (hex ~ '^#[0-9A-F]{6}$'),
  repeat_mm       numeric(8, 2) CHECK (repeat_mm > 0 AND repeat_mm <= 1000),
  swatch_key      text,
  swatch_width_mm numeric(8, 2) CHECK (swatch_width_mm > 0),
  active          boolean NOT NULL DEFAULT true,
  archived_at     timestamptz,
  sort            integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (family_id, slug)
);
CREATE INDEX fabric_colors_family ON fabric_colors (family_id);

CREATE TABLE cuts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9_-]{0,79}$'),
  name        text NOT NULL,
  legacy_id   text UNIQUE,
  active      boolean NOT NULL DEFAULT true,
  sort        integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- A view is a template: 'builtin' ones are drawn by the compose engine, 'photo' ones are uploaded.
CREATE TABLE cut_views (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cut_id       uuid NOT NULL REFERENCES cuts (id) ON DELETE CASCADE,
  view         text NOT NULL CHECK (view ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
  kind         text NOT NULL DEFAULT 'builtin' CHECK (kind IN ('builtin', 'photo')),
  base_key     text,
  mask_key     text,
  version      text NOT NULL DEFAULT '',
  active       boolean NOT NULL DEFAULT true,
  sort         integer NOT NULL DEFAULT 0,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (cut_id, view),
  CHECK (kind = 'builtin' OR (base_key IS NOT NULL AND mask_key IS NOT NULL))
);

-- Photos of cloth uploaded by associates (the replaced system's /upload-swatch) and admins.
CREATE TABLE swatch_uploads (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  storage_key   text NOT NULL UNIQUE,
  filename      text NOT NULL,
  content_type  text NOT NULL,
  size_bytes    integer NOT NULL CHECK (size_bytes > 0),
  width         integer NOT NULL CHECK (width > 0),
  height        integer NOT NULL CHECK (height > 0),
  sha256        text NOT NULL,
  width_mm      numeric(8, 2) NOT NULL DEFAULT 60 CHECK (width_mm > 0),
  mean_hex      text CHECK (mean_hex ~ '^#[0-9A-F]{6}$'),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE renders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  cache_key        text NOT NULL,
  status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  progress         real NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  engine           text NOT NULL,
  engine_version   text NOT NULL,
  family_id        uuid NOT NULL REFERENCES fabric_families (id) ON DELETE RESTRICT,
  color_id         uuid REFERENCES fabric_colors (id) ON DELETE RESTRICT,
  swatch_upload_id uuid REFERENCES swatch_uploads (id) ON DELETE RESTRICT,
  cut_id           uuid NOT NULL REFERENCES cuts (id) ON DELETE RESTRICT,
  view             text NOT NULL,
  params           jsonb NOT NULL DEFAULT '{}',
  attempts         integer NOT NULL DEFAULT 0,
  error            text,
  images           jsonb NOT NULL DEFAULT '[]',
  request_id       text,
  worker_id        text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  started_at       timestamptz,
  finished_at      timestamptz,
  duration_ms      integer,
  CHECK (color_id IS NOT NULL OR swatch_upload_id IS NOT NULL)
);
-- At most one live render per cache key: concurrent identical requests join one render.
CREATE UNIQUE INDEX renders_live_cache_key ON renders (cache_key) WHERE status IN ('queued', 'running', 'succeeded');
CREATE INDEX renders_created_at ON renders (created_at DESC, id DESC);
CREATE INDEX renders_status ON renders (status);

-- One request for several cuts (the replaced API's "job") groups renders; a render may be shared
-- by many batches through the cache.
CREATE TABLE render_batches (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  source      text NOT NULL CHECK (source IN ('api', 'legacy')),
  request_id  text,
  params      jsonb NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE render_batch_items (
  batch_id   uuid NOT NULL REFERENCES render_batches (id) ON DELETE CASCADE,
  render_id  uuid NOT NULL REFERENCES renders (id) ON DELETE CASCADE,
  position   integer NOT NULL,
  PRIMARY KEY (batch_id, render_id)
);

CREATE TABLE users (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email          text NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\s]+@[^@\s]+$'),
  role           text NOT NULL CHECK (role IN ('admin', 'merchandiser', 'associate')),
  password_hash  text NOT NULL,
  failed_logins  integer NOT NULL DEFAULT 0,
  locked_until   timestamptz,
  disabled_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email ON users (email);

-- Heartbeats of live worker processes: a worker silent for longer than WORKER_DEAD_AFTER_MS is dead
-- and its locked jobs are released at once instead of after graphile-worker's 4-hour timeout.
CREATE TABLE workers (
  id                 text PRIMARY KEY,
  hostname           text NOT NULL,
  pid                integer NOT NULL,
  engines            text[] NOT NULL,
  -- graphile-worker's own worker ids in this process (what its jobs' locked_by holds)
  job_worker_ids     text[] NOT NULL DEFAULT '{}',
  started_at         timestamptz NOT NULL DEFAULT now(),
  last_heartbeat_at  timestamptz NOT NULL DEFAULT now(),
  stopped_at         timestamptz
);
