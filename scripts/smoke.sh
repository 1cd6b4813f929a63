#!/usr/bin/env bash
# Smoke test a deployed Atelier: readiness, the catalogue, a render to the end, an upload, and the
# replaced system's API. Run it after every deploy; exits non-zero at the first thing that fails.
#
#   scripts/smoke.sh https://atelier.example.com
#
# Needs curl, and jq or node (to read JSON). SMOKE_TIMEOUT (seconds, default 120) bounds each render.
# Ordering renders and uploading cloth need a signed-in account: SMOKE_EMAIL and SMOKE_PASSWORD (an
# associate made for the purpose). It creates one render (cached after the first run), one swatch
# upload and one replaced-API job.
set -euo pipefail

BASE="${1:-}"
if [[ -z "$BASE" ]]; then
  echo "usage: scripts/smoke.sh BASE_URL   (for example https://atelier.example.com)" >&2
  exit 2
fi
BASE="${BASE%/}"
TIMEOUT="${SMOKE_TIMEOUT:-120}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok   $*"; }

# field FILE PATH: one value from a JSON file; PATH is jq's and JavaScript's shared syntax (.a[0].b).
field() {
  if command -v jq >/dev/null; then
    jq -er "$2 // empty" "$1" 2>/dev/null || true
  elif command -v node >/dev/null; then
    node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));const v=eval("d"+process.argv[2].replace(/^\.(?=\[)/,""));if(v!==undefined&&v!==null)console.log(typeof v==="object"?JSON.stringify(v):v)' "$1" "$2" 2>/dev/null || true
  else
    fail "needs jq or node to read JSON answers"
  fi
}

# call METHOD PATH OUTFILE [curl args...]: prints the HTTP status; the body goes to OUTFILE.
call() {
  local method="$1" path="$2" out="$3"
  shift 3
  # The session cookie goes along, and Origin as a browser sends it (the server's CSRF check).
  curl -sS -o "$out" -w '%{http_code}' -X "$method" --max-time 30 -b "$WORK/cookies" -c "$WORK/cookies" -H "origin: $BASE" "$@" "$BASE$path" || echo "000"
}

# json_login EMAIL PASSWORD: the sign-in body, with both values JSON-escaped.
json_login() {
  if command -v jq >/dev/null; then
    jq -nc --arg email "$1" --arg password "$2" '{email: $email, password: $password}'
  else
    node -e 'console.log(JSON.stringify({ email: process.argv[1], password: process.argv[2] }))' "$1" "$2"
  fi
}

expect_status() {
  local got="$1" want="$2" what="$3" body="$4"
  [[ "$want" == *"$got"* ]] || fail "$what answered $got (expected $want): $(head -c 400 "$body" 2>/dev/null)"
}

absolute() { [[ "$1" == http* ]] && echo "$1" || echo "$BASE$1"; }

# 1. The server and its dependencies.
s=$(call GET /readyz "$WORK/ready.json"); expect_status "$s" 200 "GET /readyz" "$WORK/ready.json"
s=$(call GET /version "$WORK/version.json"); expect_status "$s" 200 "GET /version" "$WORK/version.json"
ok "ready; version $(field "$WORK/version.json" .version) commit $(field "$WORK/version.json" .commit)"

# 2. The catalogue.
s=$(call GET /api/catalog "$WORK/catalog.json"); expect_status "$s" 200 "GET /api/catalog" "$WORK/catalog.json"
FAMILY=$(field "$WORK/catalog.json" '.families[0].id')
COLOR=$(field "$WORK/catalog.json" '.families[0].colors[0].id')
SWATCH=$(field "$WORK/catalog.json" '.families[0].colors[0].swatchUrl')
[[ -n "$FAMILY" && -n "$COLOR" ]] || fail "the catalogue has no active family with a colour"
s=$(call GET /api/cuts "$WORK/cuts.json"); expect_status "$s" 200 "GET /api/cuts" "$WORK/cuts.json"
CUT=$(field "$WORK/cuts.json" '.cuts[0].id')
[[ -n "$CUT" ]] || fail "the catalogue has no active cut"
ok "catalogue: $FAMILY / $COLOR, cut $CUT"

# 3. Signed in as the smoke test's account: ordering and uploading need one.
[[ -n "${SMOKE_EMAIL:-}" && -n "${SMOKE_PASSWORD:-}" ]] || fail "set SMOKE_EMAIL and SMOKE_PASSWORD (an associate account) to order a render"
s=$(call POST /api/admin/login "$WORK/login.json" -H 'content-type: application/json' --data "$(json_login "$SMOKE_EMAIL" "$SMOKE_PASSWORD")")
expect_status "$s" 200 "POST /api/admin/login as $SMOKE_EMAIL" "$WORK/login.json"
ok "signed in as $SMOKE_EMAIL"

# 4. A render through the queue and a worker (a thumbnail: a lone preview is drawn by the API itself),
#    followed to the end, and its image.
s=$(call POST /api/renders "$WORK/order.json" -H 'content-type: application/json' \
  --data "{\"family\":\"$FAMILY\",\"color\":\"$COLOR\",\"cuts\":[\"$CUT\"],\"sizes\":[\"thumb\"]}")
expect_status "$s" "200 202" "POST /api/renders" "$WORK/order.json"
RENDER=$(field "$WORK/order.json" '.renders[0].id')
[[ -n "$RENDER" ]] || fail "POST /api/renders gave no render id"
deadline=$((SECONDS + TIMEOUT))
while :; do
  s=$(call GET "/api/renders/$RENDER" "$WORK/render.json"); expect_status "$s" 200 "GET /api/renders/$RENDER" "$WORK/render.json"
  status=$(field "$WORK/render.json" .status)
  [[ "$status" == succeeded ]] && break
  [[ "$status" == failed || "$status" == canceled ]] && fail "render $RENDER $status: $(field "$WORK/render.json" .error)"
  ((SECONDS < deadline)) || fail "render $RENDER still $status after ${TIMEOUT} s (are workers running?)"
  sleep 1
done
IMAGE=$(absolute "$(field "$WORK/render.json" '.images[0].url')")
type=$(curl -sS -o "$WORK/render.img" -w '%{http_code} %{content_type}' --max-time 30 "$IMAGE" || true)
[[ "$type" == "200 image/"* ]] || fail "the render's image $IMAGE answered $type"
ok "render $RENDER succeeded; image $(wc -c <"$WORK/render.img") bytes"

# 5. An upload: the catalogue's own swatch photo, sent back as a photographed cloth.
[[ -n "$SWATCH" ]] || fail "the catalogue colour has no swatch URL"
s=$(curl -sS -o "$WORK/swatch.jpg" -w '%{http_code}' --max-time 30 "$(absolute "$SWATCH")" || echo 000)
expect_status "$s" 200 "the swatch image" "$WORK/swatch.jpg"
s=$(call POST /api/swatch-uploads "$WORK/upload.json" -F "file=@$WORK/swatch.jpg;type=image/jpeg")
expect_status "$s" 201 "POST /api/swatch-uploads" "$WORK/upload.json"
ok "upload $(field "$WORK/upload.json" .id) (mean colour $(field "$WORK/upload.json" .meanHex))"

# 6. The replaced system's API, as its front end calls it.
s=$(call GET /health "$WORK/health.json"); expect_status "$s" 200 "GET /health" "$WORK/health.json"
s=$(call GET /catalog "$WORK/legacy-catalog.json"); expect_status "$s" 200 "GET /catalog" "$WORK/legacy-catalog.json"
LFAMILY=$(field "$WORK/legacy-catalog.json" '.families[0].family_id')
LCOLOR=$(field "$WORK/legacy-catalog.json" '.families[0].colors[0].color_id')
[[ -n "$LFAMILY" && -n "$LCOLOR" ]] || fail "GET /catalog lists no family with a colour"
s=$(call POST /generate "$WORK/generate.json" -H 'content-type: application/json' \
  --data "{\"family_id\":\"$LFAMILY\",\"color_id\":\"$LCOLOR\",\"cuts\":[\"recto\"]}")
expect_status "$s" 201 "POST /generate" "$WORK/generate.json"
JOB=$(field "$WORK/generate.json" .job_id)
deadline=$((SECONDS + TIMEOUT))
while :; do
  s=$(call GET "/jobs/$JOB" "$WORK/job.json"); expect_status "$s" 200 "GET /jobs/$JOB" "$WORK/job.json"
  status=$(field "$WORK/job.json" .status)
  [[ "$status" == completed ]] && break
  [[ "$status" == failed ]] && fail "job $JOB failed: $(field "$WORK/job.json" .meta.error)"
  ((SECONDS < deadline)) || fail "job $JOB still $status after ${TIMEOUT} s"
  sleep 1
done
URL=$(field "$WORK/job.json" '.result_urls[0]')
s=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 30 "$(absolute "$URL")" || echo 000)
[[ "$s" == 200 ]] || fail "the job's image $URL answered $s"
ok "replaced API: job $JOB completed"

echo "smoke test passed against $BASE"
