-- The drawn suits gained a back view (vents) and a detail view (chest, lapel and pocket at 4 px/mm).
-- Shipped cuts get them after their existing views; an admin's own cuts and photo views are untouched.
INSERT INTO cut_views (cut_id, view, kind, sort)
SELECT c.id, v.view, 'builtin', COALESCE((SELECT max(sort) FROM cut_views WHERE cut_id = c.id), 0) + v.n
FROM cuts c
CROSS JOIN (VALUES ('back', 1), ('detail', 2)) AS v (view, n)
WHERE c.slug IN ('single-breasted', 'double-breasted', 'three-piece')
ON CONFLICT (cut_id, view) DO NOTHING;
