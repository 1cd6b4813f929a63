-- The replaced system named a colour by one id unique across its whole catalogue ('lc-navy-001');
-- its front end looks colours up by that id alone. Our slugs are unique only within a family, so
-- every colour gets a stable catalogue-wide id for the replaced API:
--   * a colour imported from the replaced system's fabrics.json keeps its own color_id;
--   * any other colour gets '<family slug>-<colour slug>' ('city-pinstripe-navy').
-- Once given, the id never changes (renaming a family must not break the old front end's links).

ALTER TABLE fabric_colors ADD COLUMN legacy_id text;

-- The id a colour gets: the wanted one when free, else the family-prefixed slug, else that with
-- '-2', '-3'… (family 'a-b' + colour 'c' and family 'a' + colour 'b-c' would otherwise collide).
CREATE FUNCTION fabric_color_legacy_id(p_wanted text, p_family_id uuid, p_slug text, p_color_id uuid) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  base text;
  candidate text;
  n integer := 1;
BEGIN
  IF p_wanted IS NOT NULL AND NOT EXISTS (SELECT 1 FROM fabric_colors c WHERE c.legacy_id = p_wanted AND c.id <> p_color_id) THEN
    RETURN p_wanted;
  END IF;
  SELECT f.slug || '-' || p_slug INTO base FROM fabric_families f WHERE f.id = p_family_id;
  candidate := base;
  WHILE EXISTS (SELECT 1 FROM fabric_colors c WHERE c.legacy_id = candidate AND c.id <> p_color_id) LOOP
    n := n + 1;
    candidate := base || '-' || n;
  END LOOP;
  RETURN candidate;
END
$$;

-- Existing colours: fabrics.json imports first (in catalogue order) so they keep their own ids.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.id, c.family_id, c.slug, f.legacy IS NOT NULL AS imported
    FROM fabric_colors c JOIN fabric_families f ON f.id = c.family_id
    ORDER BY (f.legacy IS NULL), f.sort, f.slug, c.sort, c.slug
  LOOP
    UPDATE fabric_colors
    SET legacy_id = fabric_color_legacy_id(CASE WHEN r.imported THEN r.slug END, r.family_id, r.slug, r.id)
    WHERE id = r.id;
  END LOOP;
END
$$;

-- New colours: whoever inserts them (importer, console, catalogue transfer) may propose an id;
-- a taken or missing one becomes the family-prefixed slug.
CREATE FUNCTION fabric_colors_assign_legacy_id() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.legacy_id := fabric_color_legacy_id(NEW.legacy_id, NEW.family_id, NEW.slug, NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER fabric_colors_legacy_id BEFORE INSERT ON fabric_colors
  FOR EACH ROW EXECUTE FUNCTION fabric_colors_assign_legacy_id();

ALTER TABLE fabric_colors ALTER COLUMN legacy_id SET NOT NULL;
ALTER TABLE fabric_colors ADD CONSTRAINT fabric_colors_legacy_id_key UNIQUE (legacy_id);
