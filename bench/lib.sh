# Shared by the bench scripts: a work directory cleaned up on exit, process CPU from /proc, nginx-rtmp sinks,
# the relay with one passthrough rendition, nginx-rtmp's own `push` as the baseline. Source it; it sets `root`,
# `work`, `hz` and `pids`.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d /tmp/castrelay-bench.XXXXXX)"
modules=/usr/lib/nginx/modules
hz="$(getconf CLK_TCK)"
pids=()

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$work"; else echo "kept $work"; fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# utime+stime of the given pids, in clock ticks (missing processes count 0).
ticks() {
  local total=0 p f
  for p in "$@"; do
    f="$(cat "/proc/$p/stat" 2>/dev/null || true)"
    [ -z "$f" ] && continue
    f="${f##*) }"   # fields after the command name; the state is field 3
    set -- $f
    total=$((total + ${12} + ${13}))
  done
  echo "$total"
}

secs() { awk -v t="$1" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'; }

await_file_line() { # file pattern timeout_s
  local deadline=$((SECONDS + $3))
  until grep -q "$2" "$1" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && { echo "timed out waiting for '$2' in $1:" >&2; tail -20 "$1" >&2; exit 1; }
    sleep 0.1
  done
}

nginx_conf() { # dir body
  cat > "$1/nginx.conf" <<CONF
load_module $modules/ngx_rtmp_module.so;
$( [ "$(id -un)" = root ] && echo "user root;" )
worker_processes 1;
error_log $1/error.log warn;
pid $1/nginx.pid;
events { worker_connections 1024; }
$2
CONF
}

start_nginx() { # dir -> prints master pid
  nginx -p "$1/" -c "$1/nginx.conf" -g "daemon off;" >"$1/nginx.out" 2>&1 &
  local pid=$!
  local deadline=$((SECONDS + 15))
  until [ -s "$1/nginx.pid" ]; do
    [ $SECONDS -ge $deadline ] && { echo "nginx in $1 did not start:" >&2; cat "$1/nginx.out" "$1/error.log" >&2; exit 1; }
    sleep 0.05
  done
  echo "$pid"
}

stop_nginx() { kill -QUIT "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# Starts N nginx-rtmp sinks in one nginx, one server per port, no recording: sets sink_ports and sinkdir.
start_sinks() { # count
  sinkdir="$work/sinks"; mkdir -p "$sinkdir"
  sink_ports=()
  local servers="" i p
  for i in $(seq 1 "$1"); do
    p="$(free_port)"; sink_ports+=("$p")
    servers+="  server { listen 127.0.0.1:$p; max_message 16M; access_log $sinkdir/access-$i.log; application live { live on; } }"$'\n'
  done
  nginx_conf "$sinkdir" "rtmp {
$servers}"
  pids+=("$(start_nginx "$sinkdir")")
}

# Sessions each sink has ended so far, and the bytes received in the newest one (access log: "... - IN OUT ...").
# The access log line of a session is written when it disconnects, so this waits a little for the last ones.
check_sinks() { # label expected_sessions
  local i sessions bytes deadline
  for i in $(seq 1 "${#sink_ports[@]}"); do
    deadline=$((SECONDS + 15))
    while :; do
      sessions="$(grep -c '] PUBLISH "' "$sinkdir/access-$i.log" 2>/dev/null || true)"
      [ "${sessions:-0}" -ge "$2" ] && break
      if [ $SECONDS -ge $deadline ]; then
        echo "$1: sink $i saw ${sessions:-0} publish sessions, expected $2" >&2
        exit 1
      fi
      sleep 0.1
    done
    bytes="$(grep '] PUBLISH "' "$sinkdir/access-$i.log" | tail -1 | sed -E 's/.*" - ([0-9]+) [0-9]+ .*/\1/')"
    printf '%s ' "$bytes"
  done
  echo
}

# Writes the relay's config for one passthrough rendition with a custom target per sink; prints nothing.
relay_yaml() { # dir ingest_port [extra ingest keys]
  {
    echo "ingest: { listen: 127.0.0.1:$2, app: live, streamKey: bench-ingest-key${3:+, $3} }"
    echo "control: { listen: 127.0.0.1:0, token: bench-token }"
    echo "stateFile: $1/state.json"
    echo "renditions: { source: { passthrough: true } }"
    echo "targets:"
    local i
    for i in $(seq 1 "${#sink_ports[@]}"); do
      echo "  - { id: sink$i, platform: custom, url: rtmp://127.0.0.1:${sink_ports[$((i - 1))]}/live/, key: bench, rendition: source }"
    done
  } >"$1/relay.yaml"
}

# Starts `bin/relay run` on that config and waits until it listens; sets relay_pid.
start_relay() { # dir
  "$root/bin/relay" run --config "$1/relay.yaml" >"$1/relay.out" 2>"$1/relay.log" &
  relay_pid=$!; pids+=("$relay_pid")
  await_file_line "$1/relay.out" "relay running" 60
}

# Starts nginx-rtmp pushing its `live` application to every sink; sets nginx_master and nginx_workers.
start_nginx_push() { # dir ingest_port
  local pushes="" p
  for p in "${sink_ports[@]}"; do pushes+="      push rtmp://127.0.0.1:$p/live;"$'\n'; done
  nginx_conf "$1" "rtmp {
  server {
    listen 127.0.0.1:$2;
    max_message 16M; # nginx-rtmp's 1M default refuses the keyframes of streams above ~20 Mb/s
    application live {
      live on;
$pushes    }
  }
}"
  nginx_master="$(start_nginx "$1")"; pids+=("$nginx_master")
  until nginx_workers="$(pgrep -P "$nginx_master" | tr '\n' ' ')" && [ -n "$nginx_workers" ]; do sleep 0.05; done
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
