-- Uploads are immutable: the same photo given another width is another swatch (its own id and scale),
-- never a change to the first one's. One file may back several rows, one per width.
ALTER TABLE swatch_uploads DROP CONSTRAINT swatch_uploads_storage_key_key;
ALTER TABLE swatch_uploads ADD CONSTRAINT swatch_uploads_key_width UNIQUE (storage_key, width_mm);
