#!/bin/sh
# Verifies a ComfyUI host for the photoreal engine in one command: the server's device and version,
# the node classes the workflows need (custom nodes installed), then each workflow (refine, generate)
# rendered once, with timings and the fidelity guard's ΔE. Exit status 0 when the host is ready.
#
#   scripts/gpu-check.sh http://gpu-1:8188
#
# The other COMFYUI_* settings (model file names, steps, timeouts) come from the environment or .env,
# as for the workers. No database is needed.
set -eu
if [ "$#" -lt 1 ]; then
  echo "usage: $0 COMFYUI_BASE_URL   (e.g. http://gpu-1:8188)" >&2
  exit 2
fi
cd "$(dirname "$0")/.."
exec node bin/atelier.mjs gpu-check "$1"
