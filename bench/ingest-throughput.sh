#!/usr/bin/env bash
# Ingest throughput benchmark: does the relay read an encoder's stream in real time at high bitrates, and what does
# each Mb/s cost? castrelay vs nginx-rtmp's own `push`, same input, same nginx-rtmp sinks, same run.
#
#   bench/ingest-throughput.sh [--bitrates "6 12 25 50"] [--seconds 15] [--targets 2]
#
# For each bitrate (Mb/s), 1920x1080 30 fps H.264 with film-grain noise (so the encoder really spends the bits,
# 2 s GOP) + AAC is encoded once, then published in real time (ffmpeg -re -c copy) to each contender in turn:
#   relay: bin/relay run, one passthrough rendition, one custom target per sink;
#   nginx: nginx-rtmp with `push` to every sink.
# "wall" is how long the publisher took to send the whole file: a contender that reads slower than the stream
# arrives backs it up and the wall time grows past the media's duration (real time = wall / media <= 1.05).
# CPU is user+system seconds from /proc while the stream ran (the relay's JVM, nginx master + worker);
# "ms/s per Mb/s" is CPU milliseconds per second of stream per Mb/s of bitrate. Every sink must receive the
# whole file from each contender (bytes compared with the input's).
set -euo pipefail

bitrates="6 12 25 50"
seconds=15
targets=2
while [ $# -gt 0 ]; do
  case "$1" in
    --bitrates) bitrates="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "ingest-throughput.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

echo "== building the relay (mvn -q -B -DskipTests install)"
(cd "$root" && mvn -q -B -DskipTests install) >/dev/null

echo "== starting $targets nginx-rtmp sinks"
start_sinks "$targets"

# Publishes the file in real time; prints the seconds it took.
publish() { # input url log
  local t0 t1
  t0=$(date +%s.%N)
  ffmpeg -nostdin -hide_banner -loglevel error -re -i "$1" -c copy -f flv "$2" >"$3" 2>&1
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'
}

per_mbps() { # cpu_s mbps -> CPU ms per stream second per Mb/s
  awk -v c="$1" -v m="$2" -v s="$seconds" 'BEGIN { printf "%.1f", c * 1000 / s / m }'
}

sessions=0
table="$work/table.txt"
: >"$table"
best=none
for mbps in $bitrates; do
  input="$work/input-$mbps.flv"
  echo "== encoding ${seconds}s of 1920x1080 30 fps with noise at ${mbps} Mb/s"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
    -map 0:v -map 1:a -vf "noise=alls=30:allf=t" -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
    -g 60 -keyint_min 60 -sc_threshold 0 -b:v "${mbps}M" -maxrate "${mbps}M" -bufsize "${mbps}M" \
    -c:a aac -ac 2 -b:a 128k -f flv "$input"
  input_bytes="$(stat -c %s "$input")"
  real_mbps="$(awk -v b="$input_bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b * 8 / s / 1e6 }')"

  echo "== ${mbps} Mb/s: relay"
  rdir="$work/relay-$mbps"; mkdir -p "$rdir"
  ingest_port="$(free_port)"
  relay_yaml "$rdir" "$ingest_port"
  start_relay "$rdir"
  start_ticks="$(ticks "$relay_pid")"
  relay_wall="$(publish "$input" "rtmp://127.0.0.1:$ingest_port/live/bench-ingest-key" "$rdir/ffmpeg.log")"
  end_ticks="$(ticks "$relay_pid")"
  kill -TERM "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
  sessions=$((sessions + 1))
  relay_bytes="$(check_sinks relay "$sessions")"
  relay_cpu="$(secs $((end_ticks - start_ticks)))"

  echo "== ${mbps} Mb/s: nginx-rtmp push"
  ndir="$work/nginx-$mbps"; mkdir -p "$ndir"
  ingest_port="$(free_port)"
  start_nginx_push "$ndir" "$ingest_port"
  n_start="$(ticks "$nginx_master" $nginx_workers)"
  nginx_wall="$(publish "$input" "rtmp://127.0.0.1:$ingest_port/live/bench" "$ndir/ffmpeg.log")"
  n_end="$(ticks "$nginx_master" $nginx_workers)"
  sessions=$((sessions + 1))
  nginx_bytes="$(check_sinks nginx "$sessions")"
  stop_nginx "$nginx_master"
  nginx_cpu="$(secs $((n_end - n_start)))"

  relay_rt="$(ratio "$relay_wall" "$seconds")"
  nginx_rt="$(ratio "$nginx_wall" "$seconds")"
  if awk -v r="$relay_rt" 'BEGIN { exit !(r <= 1.05) }'; then best="$mbps Mb/s"; fi
  printf '%6s %6s %7s s %5s %7s s %8s %9s | %7s s %5s %7s s %8s | %6s\n' "$mbps" "$real_mbps" \
    "$relay_wall" "$relay_rt" "$relay_cpu" "$(per_mbps "$relay_cpu" "$real_mbps")" "$(ratio "$relay_bytes" "$input_bytes")" \
    "$nginx_wall" "$nginx_rt" "$nginx_cpu" "$(per_mbps "$nginx_cpu" "$real_mbps")" \
    "$(ratio "$relay_cpu" "$nginx_cpu")" >>"$table"
  printf '   sink bytes (input %s): relay [ %s] nginx [ %s]\n' "$input_bytes" "$relay_bytes" "$nginx_bytes"
  rm -f "$input"
done

echo
echo "== ${seconds}s of 1080p30 per bitrate, $targets targets, $(nproc) CPUs, $(uname -r)"
printf '%6s %6s %9s %5s %9s %8s %9s | %9s %5s %9s %8s | %6s\n' "Mb/s" "real" "relay" "rt" "CPU" "ms/s/Mb" \
  "sink/in" "nginx" "rt" "CPU" "ms/s/Mb" "CPU r/n"
cat "$table"
echo "highest bitrate the relay kept in real time (publisher within 5% of the media's duration): $best"
