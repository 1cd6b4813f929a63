-- API replicas keep signed-in sessions and finished live previews in memory for a few moments (the
-- tablet's colour taps). Whatever ends a session or changes who its person is (sign-out, a revoke,
-- a disabled account, a new role or store, a password reset from the CLI, a hand-written UPDATE),
-- and whatever removes a finished render (a purge, retention, a studio photo's deletion), tells every
-- replica through NOTIFY so that it drops its copy before the next request.
CREATE FUNCTION atelier_notify_session_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('atelier_session', 'user:' || OLD.id::text);
  ELSE
    PERFORM pg_notify('atelier_session', 'session:' || OLD.id::text);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER users_session_changed AFTER UPDATE OF role, store, email, disabled_at, password_hash OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION atelier_notify_session_changed();
CREATE TRIGGER user_sessions_ended AFTER UPDATE OF revoked_at, expires_at, user_id ON user_sessions
  FOR EACH ROW EXECUTE FUNCTION atelier_notify_session_changed();
-- Sessions deleted while still live (not the stale ones the cleanup removes: those ended a day ago).
CREATE TRIGGER user_sessions_deleted AFTER DELETE ON user_sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND OLD.expires_at > now())
  EXECUTE FUNCTION atelier_notify_session_changed();

-- TRUNCATE (a restore, a test) says nothing row by row: every replica drops every session it holds.
CREATE FUNCTION atelier_notify_sessions_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atelier_session', 'all');
  RETURN NULL;
END;
$$;
CREATE TRIGGER users_truncated AFTER TRUNCATE ON users
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_sessions_truncated();
CREATE TRIGGER user_sessions_truncated AFTER TRUNCATE ON user_sessions
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_sessions_truncated();

-- Finished renders never change but can be removed. Once per statement that removed any (replicas
-- forget their whole preview memory: removals are rare, and the next tap re-reads).
CREATE FUNCTION atelier_notify_renders_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' OR EXISTS (SELECT 1 FROM gone WHERE status = 'succeeded') THEN
    PERFORM pg_notify('atelier_renders_removed', TG_OP);
  END IF;
  RETURN NULL;
END;
$$;
CREATE TRIGGER renders_deleted AFTER DELETE ON renders REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_renders_removed();
CREATE FUNCTION atelier_notify_renders_removed_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('atelier_renders_removed', TG_OP);
  RETURN NULL;
END;
$$;
CREATE TRIGGER renders_truncated AFTER TRUNCATE ON renders
  FOR EACH STATEMENT EXECUTE FUNCTION atelier_notify_renders_removed_all();
-- A finished render taken back (nothing does this today; a hand-written UPDATE could).
CREATE TRIGGER renders_unfinished AFTER UPDATE OF status, images ON renders
  FOR EACH ROW WHEN (OLD.status = 'succeeded' AND (NEW.status <> 'succeeded' OR NEW.images IS DISTINCT FROM OLD.images))
  EXECUTE FUNCTION atelier_notify_renders_removed_all();
