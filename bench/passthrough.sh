#!/usr/bin/env bash
# Passthrough CPU benchmark: castrelay vs nginx-rtmp's own `push`, same input, same 8 nginx-rtmp sinks.
#
#   bench/passthrough.sh [--seconds 60] [--runs 3] [--targets 8] [--bitrate 3000k] [--preshow 0]
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
# Seconds of a pre-show stream the relay gets before the measured one, as on an event day (a test stream before
# going live): the JVM then measures warmed up, which is how it runs during the broadcast.
preshow=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    --bitrate) bitrate="$2"; shift 2 ;;
    --preshow) preshow="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "passthrough.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

echo "== building the relay (mvn -q -B -DskipTests install)"
(cd "$root" && mvn -q -B -DskipTests install) >/dev/null

echo "== encoding ${seconds}s of 1280x720 30 fps at $bitrate (once, reused by every run)"
input="$work/input.flv"
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 \
  -b:v "$bitrate" -maxrate "$bitrate" -bufsize 6000k -c:a aac -ac 2 -b:a 128k -f flv "$input"

echo "== starting $targets nginx-rtmp sinks (one nginx, one server per port, no recording)"
start_sinks "$targets"

publish() { # url log
  ffmpeg -nostdin -hide_banner -loglevel error -re -i "$input" -c copy -f flv "$1" >"$2" 2>&1
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
  relay_yaml "$rdir" "$ingest_port"
  start_relay "$rdir"
  if [ "$preshow" -gt 0 ]; then
    ffmpeg -nostdin -hide_banner -loglevel error -re -t "$preshow" -i "$input" -c copy -f flv \
      "rtmp://127.0.0.1:$ingest_port/live/bench-ingest-key" >"$rdir/preshow.log" 2>&1
    sessions=$((sessions + 1))
    check_sinks preshow "$sessions" >/dev/null
  fi
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
  start_nginx_push "$ndir" "$ingest_port"
  master="$nginx_master"; workers="$nginx_workers"
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
