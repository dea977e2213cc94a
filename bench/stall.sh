#!/usr/bin/env bash
# Stalled-platform benchmark (not a test; mvn verify never runs it).
# One 40 s 640x360 source, four nginx-rtmp sinks; sink 4's worker is frozen (SIGSTOP) from 5 s to 25 s.
# Run twice on the same input: castrelay (bin/relay run, passthrough) and ffmpeg -f tee with use_fifo=1.
# Prints, for each: frames recorded by each healthy sink, frames the stalled sink recorded after the thaw,
# and how many of the stalled sink's frames decode cleanly.
# Needs ffmpeg, ffprobe, nginx with libnginx-mod-rtmp. Usage: bench/stall.sh [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
duration="${1:-40}"; freeze_at=5; thaw_at=25
work="$(mktemp -d /tmp/stall-bench.XXXXXX)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -CONT "$p" 2>/dev/null || true; kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_sink() { # $1 name -> prints port; nginx master pid in $work/$1/master
  local d="$work/$1" port; port="$(free_port)"; mkdir -p "$d/rec"
  cat > "$d/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
daemon off; master_process on; worker_processes 1; pid $d/nginx.pid; error_log $d/error.log info;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
events { worker_connections 256; }
rtmp { server { listen 127.0.0.1:$port; access_log $d/access.log;
  application live { live on; record all; record_path $d/rec; record_unique on; } } }
CONF
  nginx -c "$d/nginx.conf" -p "$d" >/dev/null 2>&1 & echo $! > "$d/master"; pids+=("$!")
  echo "$port"
}
worker_of() { pgrep -P "$(cat "$work/$1/master")" | head -1; }
frames() { # video frames in the files (0 for a file without video)
  local n=0 f c; for f in "$@"; do
    c="$(ffprobe -v error -select_streams v -count_packets -show_entries stream=nb_read_packets -of csv=p=0 "$f" || true)"
    [[ "$c" =~ ^[0-9]+$ ]] && n=$((n + c)); done; echo "$n"; }
clean_frames() { # frames of files that decode without a single error line
  local n=0 f; for f in "$@"; do [ -z "$(ffmpeg -nostdin -v error -i "$f" -f null - 2>&1)" ] && n=$((n + $(frames "$f"))); done; echo "$n"; }

source_args=(-re -f lavfi -i "testsrc2=size=640x360:rate=30" -re -f lavfi -i "sine=frequency=440:sample_rate=48000"
  -t "$duration" -map 0:v -map 1:a -c:v libx264 -preset ultrafast -pix_fmt yuv420p -g 60 -keyint_min 60
  -sc_threshold 0 -b:v 1000k -maxrate 1000k -bufsize 2000k -c:a aac -ac 2 -b:a 128k)

stall_sink4() { # freeze sink 4 at freeze_at, thaw at thaw_at; records the thaw time (epoch s)
  local run=$1 w; sleep "$freeze_at"; w="$(worker_of "$run-4")"; kill -STOP "$w"
  sleep $((thaw_at - freeze_at)); kill -CONT "$w"; date +%s > "$work/$run-4/thawed"
}

report() { # $1 run name
  local run=$1 i thawed after=()
  for i in 1 2 3; do printf '  %-8s healthy sink %d: %5s frames\n' "$run" "$i" "$(frames "$work/$run-$i"/rec/*.flv)"; done
  thawed="$(cat "$work/$run-4/thawed")"
  for f in "$work/$run-4"/rec/*.flv; do [ "$(stat -c %Y "$f")" -ge "$thawed" ] && [ "${f##*-}" \> "$((thawed - 1)).flv" ] && after+=("$f"); done
  printf '  %-8s stalled sink: %5s frames in all, %s after the thaw (%d recordings); %s decode cleanly\n' "$run" \
    "$(frames "$work/$run-4"/rec/*.flv)" "$( [ ${#after[@]} -gt 0 ] && frames "${after[@]}" || echo 0)" \
    "$(ls "$work/$run-4"/rec/*.flv | wc -l)" "$(clean_frames "$work/$run-4"/rec/*.flv)"
}

echo "source: ${duration}s, 30 fps = $((duration * 30)) frames; sink 4 frozen ${freeze_at}s..${thaw_at}s" >&2

# --- castrelay --------------------------------------------------------------------------------------------
ports=(); for i in 1 2 3 4; do ports+=("$(start_sink relay-$i)"); done
ingest="$(free_port)"; control="$(free_port)"
{ echo "ingest: { listen: 127.0.0.1:$ingest, app: live, streamKey: bench-ingest }"
  echo "control: { listen: 127.0.0.1:$control, token: bench-token }"
  echo "stateFile: $work/relay-state.json"
  echo "renditions: { source: { passthrough: true } }"
  echo "targets:"
  for i in 1 2 3 4; do echo "  - { id: sink$i, platform: custom, url: 'rtmp://127.0.0.1:${ports[$((i-1))]}/live/', key: bench, rendition: source }"; done
} > "$work/relay.yaml"
"$root/bin/relay" run --config "$work/relay.yaml" > "$work/relay.log" 2>&1 & relay=$!; pids+=("$relay")
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$ingest") 2>/dev/null && break; sleep 0.2; done
stall_sink4 relay & staller=$!
ffmpeg -nostdin -hide_banner -loglevel error "${source_args[@]}" -f flv "rtmp://127.0.0.1:$ingest/live/bench-ingest"
wait "$staller"; sleep 3; kill -TERM "$relay"; wait "$relay" || true  # background jobs ignore SIGINT
for i in 1 2 3 4; do kill "$(cat "$work/relay-$i/master")"; done; sleep 1

# --- ffmpeg tee with fifo -----------------------------------------------------------------------------------
ports=(); for i in 1 2 3 4; do ports+=("$(start_sink tee-$i)"); done
# Two backslashes reach ffmpeg: tee unescapes once for its own ':' and once more inside fifo_options.
fifo='f=flv:onfail=ignore:use_fifo=1:fifo_options=drop_pkts_on_overflow=1\\:attempt_recovery=1\\:recovery_wait_time=1'
outs=""; for p in "${ports[@]}"; do outs+="${outs:+|}[$fifo]rtmp://127.0.0.1:$p/live/bench"; done
stall_sink4 tee & staller=$!
ffmpeg -nostdin -hide_banner -loglevel error "${source_args[@]}" -flags +global_header -f tee "$outs" || true
wait "$staller"; sleep 3
for i in 1 2 3 4; do kill "$(cat "$work/tee-$i/master")"; done; sleep 1

echo "results (frames):"
report relay
report tee
echo "work dir: $work (relay log: $work/relay.log)"
