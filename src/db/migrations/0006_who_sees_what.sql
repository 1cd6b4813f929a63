-- Who can see what (issue 13): associates sign in on the showroom tablets; History shows their own
-- and their store's renders; looks belong to a client record shared by the whole house.

-- The shop an account works in (NULL: none, e.g. head-office staff). Free text, as houses name them.
ALTER TABLE users ADD COLUMN store text CHECK (store IS NULL OR length(store) BETWEEN 1 AND 80);

-- Who asked: a render is shared by every identical request (cache key), so ownership belongs to the
-- request (the batch), not to the render. NULL for the replaced API used without a session.
ALTER TABLE render_batches ADD COLUMN user_id uuid REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE render_batches ADD COLUMN store text;
CREATE INDEX render_batches_user ON render_batches (user_id, created_at DESC);
CREATE INDEX render_batches_store ON render_batches (store, created_at DESC);
CREATE INDEX render_batch_items_render ON render_batch_items (render_id);

-- A client of the house (personal data: only signed-in staff read it).
CREATE TABLE clients (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  notes       text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
  created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_name ON clients (lower(name));

-- Every look made from now on belongs to a client record; older ones keep their free-text name.
ALTER TABLE looks ADD COLUMN client_id uuid REFERENCES clients (id) ON DELETE RESTRICT;
ALTER TABLE looks ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX looks_client ON looks (client_id, created_at DESC);
CREATE INDEX looks_created_at ON looks (created_at DESC);
