#!/usr/bin/env bash
# Passthrough CPU benchmark: castrelay vs nginx-rtmp's own `push`, same input, same 8 nginx-rtmp sinks.
#
#   bench/passthrough.sh [--seconds 60] [--runs 3] [--targets 8] [--bitrate 3000k]
#
# One 1280x720 30 fps H.264 (~3 Mb/s, 2 s GOP) + AAC file is encoded once, then published in real time
# (ffmpeg -re -c copy) to each contender in turn:
#   relay: bin/relay run --config <generated yaml>, one passthrough rendition, one custom target per sink;
#   nginx: nginx-rtmp with `application live { live on; push rtmp://127.0.0.1:SINK/live; ... }`.
# CPU is user+system seconds from /proc/<pid>/stat: the relay's JVM (all threads: Netty, GC, JIT), and nginx
# master + worker. The "streaming" figure is the difference between snapshots taken when the publisher starts and
# when it has finished, so JVM start-up is excluded (JIT warm-up of the streaming path is not); the relay's total
# from process start is printed too, and the second half of the stream alone (the steady state). Every sink's access log is checked afterwards: each must have received a full
# session from each contender.
set -euo pipefail

seconds=60
runs=3
targets=8
bitrate=3000k
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --bitrate) bitrate="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "passthrough.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

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

echo "== building the relay (mvn -q -B -DskipTests install)"
(cd "$root" && mvn -q -B -DskipTests install) >/dev/null

echo "== encoding ${seconds}s of 1280x720 30 fps at $bitrate (once, reused by every run)"
input="$work/input.flv"
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v "$bitrate" -maxrate "$bitrate" -bufsize 6000k -c:a aac -ac 2 -b:a 128k -f flv "$input"

echo "== starting $targets nginx-rtmp sinks (one nginx, one server per port, no recording)"
sinkdir="$work/sinks"; mkdir -p "$sinkdir"
sink_ports=()
servers=""
for i in $(seq 1 "$targets"); do
  p="$(free_port)"; sink_ports+=("$p")
  servers+="  server { listen 127.0.0.1:$p; access_log $sinkdir/access-$i.log; application live { live on; } }"$'\n'
done
nginx_conf "$sinkdir" "rtmp {
$servers}"
pids+=("$(start_nginx "$sinkdir")")

publish() { # url log
  ffmpeg -nostdin -hide_banner -loglevel error -re -i "$input" -c copy -f flv "$1" >"$2" 2>&1
}

# Sessions each sink has ended so far, and the bytes received in the newest one (access log: "... - IN OUT ...").
# The access log line of a session is written when it disconnects, so this waits a little for the last ones.
check_sinks() { # label expected_sessions
  local i sessions bytes deadline
  for i in $(seq 1 "$targets"); do
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

input_bytes="$(stat -c %s "$input")"
# The second half of the stream shows the steady state, after the JIT has compiled the streaming path.
half=$((seconds / 2))
sessions=0
results="$work/results.txt"
: >"$results"

for run in $(seq 1 "$runs"); do
  echo "== run $run/$runs: relay"
  rdir="$work/relay-$run"; mkdir -p "$rdir"
  ingest_port="$(free_port)"
  {
    echo "ingest: { listen: 127.0.0.1:$ingest_port, app: live, streamKey: bench-ingest-key }"
    echo "control: { listen: 127.0.0.1:0, token: bench-token }"
    echo "stateFile: $rdir/state.json"
    echo "renditions: { source: { passthrough: true } }"
    echo "targets:"
    for i in $(seq 1 "$targets"); do
      echo "  - { id: sink$i, platform: custom, url: rtmp://127.0.0.1:${sink_ports[$((i - 1))]}/live/, key: bench, rendition: source }"
    done
  } >"$rdir/relay.yaml"
  "$root/bin/relay" run --config "$rdir/relay.yaml" >"$rdir/relay.out" 2>"$rdir/relay.log" &
  relay_pid=$!; pids+=("$relay_pid")
  await_file_line "$rdir/relay.out" "relay running" 60
  start_ticks="$(ticks "$relay_pid")"
  t0=$(date +%s.%N)
  publish "rtmp://127.0.0.1:$ingest_port/live/bench-ingest-key" "$rdir/ffmpeg.log" &
  sleep "$half"
  mid_ticks="$(ticks "$relay_pid")"
  wait $!
  t1=$(date +%s.%N)
  end_ticks="$(ticks "$relay_pid")"
  # Threads of the JVM by CPU used (whole life), for "where does it go".
  for t in /proc/"$relay_pid"/task/*; do
    f="$(cat "$t/stat" 2>/dev/null)" || continue
    name="$(sed -E 's/^[0-9]+ \((.*)\) .*/\1/' <<<"$f")"; f="${f##*) }"; set -- $f
    echo "$(( ${12} + ${13} )) $name"
  done | sort -rn | awk -v hz="$hz" '{ t = $1; $1 = ""; printf "%8.2f s %s\n", t / hz, $0 }' | head -15 >"$rdir/threads.txt"
  kill -TERM "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
  sessions=$((sessions + 1))
  relay_bytes="$(check_sinks relay "$sessions")"
  relay_stream="$(secs $((end_ticks - start_ticks)))"
  relay_total="$(secs "$end_ticks")"
  relay_half="$(secs $((end_ticks - mid_ticks)))"

  echo "== run $run/$runs: nginx-rtmp push"
  ndir="$work/nginx-$run"; mkdir -p "$ndir"
  ingest_port="$(free_port)"
  pushes=""
  for p in "${sink_ports[@]}"; do pushes+="      push rtmp://127.0.0.1:$p/live;"$'\n'; done
  nginx_conf "$ndir" "rtmp {
  server {
    listen 127.0.0.1:$ingest_port;
    application live {
      live on;
$pushes    }
  }
}"
  master="$(start_nginx "$ndir")"; pids+=("$master")
  until workers="$(pgrep -P "$master" | tr '\n' ' ')" && [ -n "$workers" ]; do sleep 0.05; done
  n_start="$(ticks "$master" $workers)"
  publish "rtmp://127.0.0.1:$ingest_port/live/bench" "$ndir/ffmpeg.log" &
  sleep "$half"
  n_mid="$(ticks "$master" $workers)"
  wait $!
  n_end="$(ticks "$master" $workers)"
  sessions=$((sessions + 1))
  nginx_bytes="$(check_sinks nginx "$sessions")"
  stop_nginx "$master"
  nginx_stream="$(secs $((n_end - n_start)))"
  nginx_half="$(secs $((n_end - n_mid)))"

  ratio="$(awk -v r="$relay_stream" -v n="$nginx_stream" 'BEGIN { if (n > 0) printf "%.2f", r / n; else print "inf" }')"
  wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
  half_ratio="$(awk -v r="$relay_half" -v n="$nginx_half" 'BEGIN { if (n > 0) printf "%.2f", r / n; else print "inf" }')"
  echo "$relay_stream $relay_total $nginx_stream $ratio $relay_half $nginx_half $half_ratio" >>"$results"
  printf '   relay: %s s CPU while streaming (%s s wall), %s s since JVM start; nginx push: %s s; ratio %s\n' \
    "$relay_stream" "$wall" "$relay_total" "$nginx_stream" "$ratio"
  printf '   second half only (steady state): relay %s s, nginx %s s; ratio %s\n' "$relay_half" "$nginx_half" "$half_ratio"
  printf '   bytes each sink received (input file %s): relay [ %s] nginx [ %s]\n' "$input_bytes" "$relay_bytes" "$nginx_bytes"
  echo "   relay JVM threads by CPU (whole life):"; sed 's/^/     /' "$rdir/threads.txt"
done

echo
echo "== medians over $runs runs ($targets targets, ${seconds}s at $bitrate, $(nproc) CPUs, $(uname -r))"
printf '   relay CPU while streaming: %s s\n' "$(awk '{ print $1 }' "$results" | median)"
printf '   relay CPU since JVM start: %s s\n' "$(awk '{ print $2 }' "$results" | median)"
printf '   nginx-rtmp push CPU:       %s s\n' "$(awk '{ print $3 }' "$results" | median)"
printf '   ratio relay / nginx:       %s (median of per-run ratios)\n' "$(awk '{ print $4 }' "$results" | median)"
printf '   second half, relay:        %s s\n' "$(awk '{ print $5 }' "$results" | median)"
printf '   second half, nginx:        %s s\n' "$(awk '{ print $6 }' "$results" | median)"
printf '   second half ratio:         %s\n' "$(awk '{ print $7 }' "$results" | median)"
