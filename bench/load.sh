#!/usr/bin/env bash
# Load test: production serving (`planstatus serve --production`, gunicorn, 4 workers) on
# loopback, driven by wrk for 60 s at 50 concurrent connections over a mix of plan,
# dashboard, public and API pages (bench/load.lua). Prints requests/s, p50/p99 latency and
# the errors (anything but 200, socket errors, timeouts), then stops the server.
#
#   bench/load.sh                      PostgreSQL: the national database of bench/postgres.sh
#   DATABASE_URL=... bench/load.sh     another database holding make_national.py's rows
#
# Settings (environment): LOAD_SECONDS (60), LOAD_CONNECTIONS (50), LOAD_WORKERS (4),
# LOAD_THREADS (2, wrk's), LOAD_SUMMARY (also write the Markdown summary to this file).
# Target (issue 12): >= 200 requests/s, p99 <= 500 ms, no errors.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${LOAD_SECONDS:-60}"
connections="${LOAD_CONNECTIONS:-50}"
workers="${LOAD_WORKERS:-4}"
threads="${LOAD_THREADS:-2}"

if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "Installing wrk from Debian (apt-get install -y wrk)."
    apt-get install -y -qq wrk >/dev/null
  else
    echo "bench/load.sh needs wrk: sudo apt-get install wrk (Debian/Ubuntu)." >&2
    exit 1
  fi
fi

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL=$(bench/postgres.sh start)
fi
export DATABASE_URL
export PATH="$PWD/.venv/bin:$PATH"  # serve --production finds gunicorn there
export PLANSTATUS_DATA_DIR="$PWD/bench/data/pgdata"
export PLANSTATUS_DEBUG=false
export PLANSTATUS_SSL_REDIRECT=false
export PLANSTATUS_ALLOWED_HOSTS=127.0.0.1
export PLANSTATUS_SECRET_KEY="${PLANSTATUS_SECRET_KEY:-bench-load-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')}"

tmp=$(mktemp -d /tmp/planstatus-load.XXXXXX)
server=""
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then
    kill -TERM "$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# The paths, and a session of the region's secretariat member for the member pages.
.venv/bin/python bench/run.py --load-script "$tmp/paths.lua"
export LOAD_PATHS="$tmp/paths.lua"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
.venv/bin/planstatus serve --production --host 127.0.0.1 --port "$port" --workers "$workers" \
  >"$tmp/server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$port"
for _ in $(seq 120); do
  if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "$url/api/v1/statuses" 2>/dev/null; then
    break
  fi
  kill -0 "$server" 2>/dev/null || { cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.5
done

# The CPU time the server side uses (gunicorn's processes, and the database's when it is
# bench/postgres.sh's cluster): per request, it says what this machine could serve with
# nothing else running on it, whatever else is running now.
pg_master=""
if [ "$DATABASE_URL" = "$(bench/postgres.sh url)" ] && [ -r bench/data/postgres/data/postmaster.pid ]; then
  pg_master=$(head -1 bench/data/postgres/data/postmaster.pid)
fi
cpu_ticks() {
  local pids total=0 t
  pids="$server $(pgrep -P "$server" | tr '\n' ' ')"
  if [ -n "$pg_master" ]; then pids="$pids $pg_master $(pgrep -P "$pg_master" | tr '\n' ' ')"; fi
  for pid in $pids; do
    # utime + stime: fields 14 and 15 of /proc/PID/stat, 12 and 13 after "PID (name) ".
    t=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13}') || t=0
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "Warming up the $workers workers for 10 s…"
wrk -t"$threads" -c"$connections" -d10s -s bench/load.lua "$url" >/dev/null
echo "Measuring: $seconds s, $connections connections, $threads wrk threads, $workers workers."
ticks_before=$(cpu_ticks)
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 10s -s bench/load.lua "$url" \
  | tee "$tmp/wrk.out"
ticks_after=$(cpu_ticks)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

line=$(grep '^RESULT ' "$tmp/wrk.out")
value() { sed -E "s/.* $1=([^ ]+).*/\1/" <<<"$line"; }
rps=$(value rps)
p50=$(value p50_ms)
p99=$(value p99_ms)
errors=$(($(value not_200) + $(value socket_errors) + $(value timeouts)))
cpu=$(python3 -c "
import os, sys
ticks, requests = int(sys.argv[1]) - int(sys.argv[2]), int(sys.argv[3])
ms = ticks / os.sysconf('SC_CLK_TCK') * 1000 / max(requests, 1)
print(f'{ms:.1f} {os.cpu_count() * 1000 / ms:.0f}' if ms else '– –')
" "$ticks_after" "$ticks_before" "$(value requests)")
cpu_ms=${cpu% *}
capacity=${cpu#* }
verdict=$(python3 -c "
import sys
rps, p99, errors = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
missed = [t for t, ok in [('≥ 200 requests/s', rps >= 200), ('p99 ≤ 500 ms', p99 <= 500),
          ('no errors', errors == 0)] if not ok]
print('all met' if not missed else 'missed: ' + ', '.join(missed))
" "$rps" "$p99" "$errors")
pages=$(grep -o '"/[^"]*"' "$LOAD_PATHS" | tr -d '"' | sed -E 's/[0-9]{3,}/N/g' | sort -u | paste -sd ' ' | sed 's/ /, /g')
mix=$(sed -n 's/^member_paths = {\(.*\)}$/\1/p' "$LOAD_PATHS" | tr ',' '\n' | grep -c . || true)
pub=$(sed -n 's/^public_paths = {\(.*\)}$/\1/p' "$LOAD_PATHS" | tr ',' '\n' | grep -c . || true)

cat >"$tmp/summary.md" <<EOF
\`bench/load.sh\`: \`planstatus serve --production\` (gunicorn, $workers workers) and PostgreSQL
on this machine, wrk $threads threads × $connections connections for $seconds s after a 10 s
warm-up, rotating over $mix member pages (session cookie) and $pub anonymous pages: $pages.
Load average (1/5/15 min) before: $load_before; after: $load_after.
Server-side CPU per request (the gunicorn processes${pg_master:+ and the PostgreSQL ones}):
$cpu_ms ms, so the $(nproc) CPUs of this machine would serve about $capacity requests/s with
nothing else running on them (not counting the CPU of wrk itself).

| requests/s | p50 ms | p99 ms | max ms | requests | errors (not 200 / socket / timeout) | targets |
|---:|---:|---:|---:|---:|---|---|
| $rps | $p50 | $p99 | $(value max_ms) | $(value requests) | $errors ($(value not_200) / $(value socket_errors) / $(value timeouts)) | $verdict |
EOF
echo
cat "$tmp/summary.md"
if [ -n "${LOAD_SUMMARY:-}" ]; then
  cp "$tmp/summary.md" "$LOAD_SUMMARY"
fi
