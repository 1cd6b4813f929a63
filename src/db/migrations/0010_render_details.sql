-- How a render was made, beyond its images: for the GPU engine (comfyui) the server, the workflow and
-- its settings, and the fidelity guard's verdict (refined as is, compose colour blended back, or the
-- compose image kept) with the measured ΔE. NULL for compose renders.
ALTER TABLE renders ADD COLUMN details jsonb;
