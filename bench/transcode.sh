#!/usr/bin/env bash
# Transcoding benchmark (see BENCHMARKS.md, "Transcoding"): CPU of one 960x540 rendition fanned out to N targets,
# relay vs one ffmpeg with -f tee vs N ffmpegs, then the relay's added latency. Needs ffmpeg, ffprobe, nginx with
# libnginx-mod-rtmp, Java 17 and Maven. Not part of `mvn verify`.
#
#   bench/transcode.sh                      # 60 s per measurement, N = 1,4,8, 3 runs, latency 3 x 30 s
#   DURATION=30 RUNS=1 bench/transcode.sh   # quicker
#   TARGETS=1,8 SKIP_LATENCY=1 bench/transcode.sh
#   SKIP_BUILD=1 bench/transcode.sh         # reuse the last build
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
DURATION="${DURATION:-60}"
RUNS="${RUNS:-3}"
TARGETS="${TARGETS:-1,4,8}"
LATENCY_DURATION="${LATENCY_DURATION:-30}"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "building: mvn -q -B -DskipTests install" >&2
  mvn -q -B -DskipTests install
fi
# The relay's runtime jars (bin/relay uses the same), its test classes (the bench mains) and the testkit (real peers).
cp="relay/target/castrelay.jar:relay/target/lib/*:relay/target/test-classes:testkit/target/classes"

echo "== CPU: relay vs ffmpeg -f tee vs N x ffmpeg (duration ${DURATION}s, targets ${TARGETS}, runs ${RUNS})"
java -cp "$cp" dev.castrelay.relay.transcode.bench.TranscodeCpuBench \
  --duration "$DURATION" --runs "$RUNS" --targets "$TARGETS" --relay "$root/bin/relay"

if [ "${SKIP_LATENCY:-0}" != 1 ]; then
  echo "== Added latency: publisher send -> platform receive (duration ${LATENCY_DURATION}s, runs ${RUNS})"
  java -Dlogback.configurationFile=/dev/null -cp "$cp" dev.castrelay.relay.transcode.bench.TranscodeLatencyBench \
    --duration "$LATENCY_DURATION" --runs "$RUNS"
fi
