-- The client photo studio (issue 15). A studio photo is a client's own photo: personal data, owned
-- by the associate who took it, removed after STUDIO_RETENTION_DAYS or at once on request.
-- Every file of a photo lives under studio/<photo id>/ (photo, suggested mask, painted masks, the
-- renders made on it), so deleting a photo deletes all of them.
CREATE TABLE studio_photos (
  id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id            uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
  store               text,
  -- the photo as stored: EXIF orientation applied, metadata (GPS, camera) stripped
  storage_key         text NOT NULL UNIQUE,
  suggested_mask_key  text NOT NULL,
  width               integer NOT NULL CHECK (width > 0),
  height              integer NOT NULL CHECK (height > 0),
  sha256              text NOT NULL,
  -- 256 random bits in every URL of the photo's files (photo, masks, renders): unguessable links,
  -- dead as soon as the row is gone
  url_token           text NOT NULL CHECK (length(url_token) >= 32),
  -- the photo this one was filled from (POST /api/studio/fill)
  parent_id           uuid REFERENCES studio_photos (id) ON DELETE SET NULL,
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX studio_photos_owner ON studio_photos (owner_id, created_at DESC);
CREATE INDEX studio_photos_created_at ON studio_photos (created_at);

-- A studio render has no cut: it re-clothes the photo. Its rows go with the photo.
ALTER TABLE renders ALTER COLUMN cut_id DROP NOT NULL;
ALTER TABLE renders ADD COLUMN studio_photo_id uuid REFERENCES studio_photos (id) ON DELETE CASCADE;
ALTER TABLE renders ADD CONSTRAINT renders_cut_or_studio CHECK (cut_id IS NOT NULL OR studio_photo_id IS NOT NULL);
CREATE INDEX renders_studio_photo ON renders (studio_photo_id) WHERE studio_photo_id IS NOT NULL;
