#!/usr/bin/env bash
# SRT ingest CPU benchmark: what does receiving a stream over SRT cost the relay, against the same stream over RTMP?
#
#   bench/srt-ingest.sh [--bitrate 6] [--seconds 30] [--latency 500]
#
# One stream (1280x720 30 fps H.264 with film grain, so the encoder really spends the bits, 2 s GOP, + AAC) is
# encoded once, kept as FLV and remuxed (-c copy) to MPEG-TS, then published in real time (ffmpeg -re -c copy):
#   rtmp: to rtmp://.../live/KEY as FLV;
#   srt:  to srt://...?streamid=#!::r=live/KEY,m=publish as MPEG-TS (Debian's ffmpeg, libsrt).
# Each to a freshly started relay (bin/relay run, one passthrough rendition, one nginx-rtmp sink), one run each.
# CPU is the relay's whole process (its JVM: user+system from /proc) while the stream ran; the sink must receive
# the stream both times. The SRT side includes FFmpeg's libsrt (its own receive, ACK/NAK and timer threads) and the
# MPEG-TS demux and re-framing to FLV; the RTMP side is Netty reading the chunk stream.
set -euo pipefail

mbps=6
seconds=30
latency=500
while [ $# -gt 0 ]; do
  case "$1" in
    --bitrate) mbps="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --latency) latency="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "srt-ingest.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

free_udp_port() {
  python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

echo "== building the relay (mvn -q -B -DskipTests install)"
(cd "$root" && mvn -q -B -DskipTests install) >/dev/null

echo "== starting 1 nginx-rtmp sink"
start_sinks 1

flv="$work/input.flv"
ts="$work/input.ts"
echo "== encoding ${seconds}s of 1280x720 30 fps with noise at ${mbps} Mb/s"
ffmpeg -nostdin -hide_banner -loglevel error -y \
  -f lavfi -i "testsrc2=size=1280x720:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
  -map 0:v -map 1:a -vf "noise=alls=30:allf=t" -c:v libx264 -preset ultrafast -pix_fmt yuv420p \
  -g 60 -keyint_min 60 -sc_threshold 0 -b:v "${mbps}M" -maxrate "${mbps}M" -bufsize "${mbps}M" \
  -c:a aac -ac 2 -b:a 128k -f flv "$flv"
ffmpeg -nostdin -hide_banner -loglevel error -y -i "$flv" -c copy -f mpegts "$ts"
real_mbps="$(awk -v b="$(stat -c %s "$flv")" -v s="$seconds" 'BEGIN { printf "%.1f", b * 8 / s / 1e6 }')"

# Runs one contender: a fresh relay, the publish, the relay's CPU over it. Prints "wall cpu".
run() { # name url muxer input
  local dir="$work/$1" ingest_port srt_port start_t end_t t0 t1
  mkdir -p "$dir"
  ingest_port="$(free_port)"
  srt_port="$(free_udp_port)"
  relay_yaml "$dir" "$ingest_port" "srt: { listen: 127.0.0.1:$srt_port, latencyMillis: $latency }"
  start_relay "$dir"
  local url="${2//SRTPORT/$srt_port}"
  url="${url//RTMPPORT/$ingest_port}"
  start_t="$(ticks "$relay_pid")"
  t0=$(date +%s.%N)
  ffmpeg -nostdin -hide_banner -loglevel error -re -i "$4" -c copy -f "$3" "$url" >"$dir/ffmpeg.log" 2>&1 \
    || { echo "$1: the publisher failed:" >&2; cat "$dir/ffmpeg.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  end_t="$(ticks "$relay_pid")"
  kill -TERM "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
  printf '%s %s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" "$(secs $((end_t - start_t)))"
}

echo "== RTMP"
read -r rtmp_wall rtmp_cpu < <(run rtmp "rtmp://127.0.0.1:RTMPPORT/live/bench-ingest-key" flv "$flv")
rtmp_bytes="$(check_sinks rtmp 1)"
echo "== SRT"
read -r srt_wall srt_cpu < <(run srt "srt://127.0.0.1:SRTPORT?streamid=#!::r=live/bench-ingest-key,m=publish" mpegts "$ts")
srt_bytes="$(check_sinks srt 2)"

echo
echo "== ${seconds}s of 1280x720 30 fps at ${real_mbps} Mb/s (FLV size), one passthrough target, $(nproc) CPUs, $(uname -r)"
printf '%-6s %8s %10s %12s\n' "ingest" "wall" "relay CPU" "sink bytes"
printf '%-6s %6s s %8s s %12s\n' "rtmp" "$rtmp_wall" "$rtmp_cpu" "$rtmp_bytes"
printf '%-6s %6s s %8s s %12s\n' "srt" "$srt_wall" "$srt_cpu" "$srt_bytes"
echo "CPU srt/rtmp: $(ratio "$srt_cpu" "$rtmp_cpu")"
