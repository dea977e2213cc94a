#!/usr/bin/env bash
# Audio-only broadcast benchmark (not a test; mvn verify never runs it).
# ffmpeg publishes audio-only AAC (a 440 Hz tone) for N seconds to `bin/relay run` with one transcoded 640x360
# 30 fps rendition going to an nginx-rtmp sink: the relay shows the slate with the live audio. Runs each
# `slate.audioVisual` (none, waves, meter) R times, interleaved, and prints the relay's whole-process CPU per
# second of broadcast (% of one core), medians, and what the visual adds over the plain slate.
# Needs ffmpeg, nginx with libnginx-mod-rtmp. Usage: bench/audio-slate.sh [seconds] [runs]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
duration="${1:-20}"; runs="${2:-3}"; warmup=4

start_sinks 1
declare -A results
for run in $(seq 1 "$runs"); do
  for visual in none waves meter; do
    d="$work/$visual-$run"; mkdir -p "$d"; port="$(free_port)"
    {
      echo "ingest: { listen: 127.0.0.1:$port, app: live, streamKey: bench-ingest-key }"
      echo "control: { listen: 127.0.0.1:0, token: bench-token }"
      echo "stateFile: $d/state.json"
      echo "slate: { audioVisual: $visual }"
      echo "renditions:"
      echo "  main:"
      echo "    video: { codec: h264, width: 640, height: 360, fps: 30, bitrate: 800k, keyframeSeconds: 2, preset: veryfast }"
      echo "    audio: { codec: aac, bitrate: 128k }"
      echo "targets:"
      echo "  - { id: sink, platform: custom, url: rtmp://127.0.0.1:${sink_ports[0]}/live/, key: bench, rendition: main }"
    } >"$d/relay.yaml"
    start_relay "$d"
    ffmpeg -nostdin -v error -re -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$duration" \
      -c:a aac -b:a 128k -f flv "rtmp://127.0.0.1:$port/live/bench-ingest-key" &
    pub=$!; pids+=("$pub")
    sleep "$warmup"
    t0="$(ticks "$relay_pid")"; w0="$(date +%s.%N)"
    wait "$pub" || true
    t1="$(ticks "$relay_pid")"; w1="$(date +%s.%N)"
    kill "$relay_pid"; wait "$relay_pid" 2>/dev/null || true
    pct="$(awk -v t="$((t1 - t0))" -v hz="$hz" -v a="$w0" -v b="$w1" 'BEGIN { printf "%.1f", 100 * t / hz / (b - a) }')"
    grep -q "showing the slate with the live audio" "$d/relay.log" || { echo "$visual: no slate with live audio in the log" >&2; exit 1; }
    echo "run $run  audioVisual=$visual  relay CPU ${pct}% of one core"
    results[$visual]+="$pct "
  done
done
none="$(echo ${results[none]} | tr ' ' '\n' | median)"
for visual in none waves meter; do
  m="$(echo ${results[$visual]} | tr ' ' '\n' | median)"
  extra="$(awk -v a="$m" -v b="$none" 'BEGIN { printf "%+.1f", a - b }')"
  echo "audioVisual=$visual  median ${m}% of one core (whole relay: slate encode + audio), ${extra} points vs none, ratio $(ratio "$m" "$none")"
done
