-- Who caused a render to be made (the client's IP, or an account), so that queued work can be
-- capped per client (RENDER_QUEUE_MAX_PER_CLIENT). Renders joined by identical requests count once,
-- for whoever ordered them first.
ALTER TABLE renders ADD COLUMN ordered_by text;
CREATE INDEX renders_waiting_by_client ON renders (ordered_by) WHERE status IN ('queued', 'running');
