-- Every API replica keeps the public catalogue in memory. Whatever changes it (the console, an
-- import, the seed command, a hand-written UPDATE) tells all replicas through NOTIFY, once per
-- statement, and they drop their copy. The payload names the table, for the logs only.
CREATE FUNCTION atelier_notify_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atelier_catalog', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;

CREATE TRIGGER fabric_families_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fabric_families
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_catalog_changed();
CREATE TRIGGER fabric_colors_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON fabric_colors
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_catalog_changed();
CREATE TRIGGER cuts_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cuts
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_catalog_changed();
CREATE TRIGGER cut_views_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cut_views
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_catalog_changed();
