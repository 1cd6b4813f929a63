-- Looks: a set of renders saved for a client, shared by an unguessable link that expires.

CREATE TABLE looks (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- 32 random bytes, base64url without padding: what the share link carries. Never derived from the id.
  token        text NOT NULL UNIQUE CHECK (token ~ '^[A-Za-z0-9_-]{43}$'),
  title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 120),
  client_name  text CHECK (client_name IS NULL OR length(client_name) BETWEEN 1 AND 120),
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX looks_expires_at ON looks (expires_at);

-- The renders of a look, in the order the associate chose them. A render in a look cannot be deleted
-- (RESTRICT): retention and purges must skip renders that a look still shows.
CREATE TABLE look_renders (
  look_id    uuid NOT NULL REFERENCES looks (id) ON DELETE CASCADE,
  render_id  uuid NOT NULL REFERENCES renders (id) ON DELETE RESTRICT,
  position   integer NOT NULL CHECK (position >= 0),
  PRIMARY KEY (look_id, render_id),
  UNIQUE (look_id, position)
);
CREATE INDEX look_renders_render ON look_renders (render_id);
