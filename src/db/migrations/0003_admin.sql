-- Admin console: sessions that logout and disabling can end, and the audit log.

-- One row per login. The session cookie is a signed JWT naming its row (jti): logging out, disabling
-- the user or changing the password revokes the row, so a copied cookie stops working at once.
CREATE TABLE user_sessions (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz,
  ip          text,
  user_agent  text,
  CHECK (expires_at > created_at)
);
CREATE INDEX user_sessions_user ON user_sessions (user_id);
CREATE INDEX user_sessions_expires_at ON user_sessions (expires_at);

-- Who changed what and when. actor_email is kept as written so the log still reads after a user is
-- deleted; before/after hold the entity's fields as the console shows them (never a password hash).
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
  actor_email text,
  action      text NOT NULL CHECK (action ~ '^[a-z_]+(\.[a-z_]+)+$'),
  entity      text NOT NULL,
  entity_id   text,
  before      jsonb,
  after       jsonb,
  request_id  text
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_log_actor ON audit_log (actor_id);

-- The console's families table in catalog order, and the "do renders refer to it?" check before a delete.
CREATE INDEX fabric_families_sort ON fabric_families (sort, name);
CREATE INDEX renders_family ON renders (family_id);
CREATE INDEX renders_color ON renders (color_id);
