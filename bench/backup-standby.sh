#!/usr/bin/env bash
# Backup-input benchmark (not a test; mvn verify never runs it): what the standby input costs.
#
#   bench/backup-standby.sh [seconds] [runs]
#
# One 1920x1080 30 fps H.264 file at 6 Mb/s (2 s GOP) + AAC is encoded once. The relay (bin/relay run, one
# passthrough rendition to one nginx-rtmp sink, ingest.backup configured) receives it (ffmpeg -re -c copy) either
# from the primary alone, or from the primary and a standby backup publishing the same stream at once. The
# relay's whole-process CPU over the publish is printed for both, interleaved, with medians and the ratio; for scale,
# the CPU of decoding the same file once (ffmpeg -c:v h264 -f null) is printed too: the standby input should cost a
# socket read, a parse and a GOP cache, never a decode.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
seconds="${1:-30}"; runs="${2:-3}"

echo "== building the relay (mvn -q -B -DskipTests install)"
(cd "$root" && mvn -q -B -DskipTests install) >/dev/null
input="$work/input.flv"
echo "== encoding ${seconds}s of 1920x1080 30 fps at 6 Mb/s"
ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "testsrc2=size=1920x1080:rate=30" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" -map 0:v -map 1:a -c:v libx264 -preset ultrafast \
  -pix_fmt yuv420p -g 60 -keyint_min 60 -sc_threshold 0 -b:v 6000k -maxrate 6000k -bufsize 12000k \
  -c:a aac -b:a 128k -f flv "$input"

start_sinks 1
publish() { ffmpeg -nostdin -hide_banner -loglevel error -re -i "$input" -c copy -f flv "$1"; }
single=(); standby=()
for run in $(seq 1 "$runs"); do
  for mode in single standby; do
    d="$work/$mode-$run"; mkdir -p "$d"; port="$(free_port)"
    relay_yaml "$d" "$port" "backup: { streamKey: bench-backup-key }"
    start_relay "$d"
    t0="$(ticks "$relay_pid")"; w0="$(date +%s.%N)"
    publish "rtmp://127.0.0.1:$port/live/bench-ingest-key" & p1=$!
    if [ "$mode" = standby ]; then publish "rtmp://127.0.0.1:$port/live/bench-backup-key" & p2=$!; fi
    wait "$p1"; [ "$mode" = standby ] && wait "$p2"
    t1="$(ticks "$relay_pid")"; w1="$(date +%s.%N)"
    kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
    cpu="$(secs $((t1 - t0)))"
    echo "run $run  $mode  relay CPU ${cpu} s over $(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", b - a }') s"
    if [ "$mode" = single ]; then single+=("$cpu"); else standby+=("$cpu"); fi
  done
done
s="$(printf '%s\n' "${single[@]}" | median)"; b="$(printf '%s\n' "${standby[@]}" | median)"
decode_start="$(date +%s.%N)"
decode="$( { /usr/bin/time -f '%U %S' ffmpeg -nostdin -v error -threads 1 -i "$input" -map 0:v -f null - ; } 2>&1 | tail -1 | awk '{ printf "%.2f", $1 + $2 }')"
echo "median relay CPU: primary alone ${s} s, primary + standby backup ${b} s, ratio $(ratio "$b" "$s");" \
  "the standby costs $(awk -v a="$b" -v c="$s" 'BEGIN { printf "%.2f", a - c }') s of CPU for ${seconds} s of 6 Mb/s;" \
  "decoding that stream once (one thread) costs ${decode} s"
