package dev.castrelay.relay.isolation;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A target that restarts or is disabled and enabled while live starts again at once from the GOP cache: live
 * within a second, its new recording beginning with the cached keyframe (from before the moment of the restart),
 * never {@code degraded}, no drops counted. Catching up a cached GOP is no falling behind.
 */
class RejoinTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void restartAndDisableEnableRejoinFromTheCachedKeyframeWithoutDegradedOrDrops() throws Exception {
        try (NginxRtmpSink a = NginxRtmpSink.start();
             NginxRtmpSink b = NginxRtmpSink.start()) {
            Map<String, String> targets = new LinkedHashMap<>();
            targets.put("a", Platforms.target(a.url(), "key-a"));
            targets.put("b", Platforms.target(b.url(), "key-b"));
            try (Relay relay = Relay.start(Platforms.config(dir, targets), Platforms.SETTINGS);
                 FfmpegPublisher encoder = FfmpegPublisher.builder().size(640, 360).gopSeconds(2).untilStopped()
                         .publish(Platforms.ingestUrl(relay))) {
                await().atMost(TIMEOUT).until(() -> state(relay, "a") == TargetState.LIVE
                        && state(relay, "b") == TargetState.LIVE);
                Thread.sleep(5_300); // mid-GOP: the next keyframe is most of a GOP away

                rejoin(relay, "restart", r -> r.targets().restart("a"));
                Thread.sleep(3_100); // mid-GOP again for the next rejoin
                rejoin(relay, "disable/enable", r -> {
                    r.targets().setEnabled("a", false);
                    r.targets().setEnabled("a", true);
                });
                Thread.sleep(2_000); // the stream runs on after the last rejoin
                encoder.stop();
            }
            a.awaitPublishSessions(3, TIMEOUT);
            List<Path> sessions = a.recordings();
            assertThat(sessions).hasSize(3);
            for (int i = 1; i < sessions.size(); i++) {
                MediaInfo before = Ffprobe.probe(sessions.get(i - 1));
                MediaInfo after = Ffprobe.probe(sessions.get(i));
                double lastBefore = before.video().firstPts() + (before.video().frames() - 1) / 30.0;
                assertThat(after.video().keyframeTimes().get(0)).as("session %d starts on a keyframe", i + 1)
                        .isEqualTo(after.video().firstPts());
                assertThat(after.video().firstPts()).as("session %d's first frame is the cached keyframe, from "
                        + "before the rejoin (the previous session ended at %.2f s)", i + 1, lastBefore)
                        .isLessThan(lastBefore);
                assertThat(Ffprobe.decodeErrors(sessions.get(i))).isEmpty();
            }
        }
    }

    /** Does {@code action}, then watches target a for 2.5 s: live within a second, never degraded, no drops. */
    private static void rejoin(Relay relay, String what, Consumer<Relay> action) throws InterruptedException {
        java.time.Instant before = java.time.Instant.now();
        action.accept(relay);
        long start = System.nanoTime();
        List<TargetState> seen = new ArrayList<>();
        long liveAfterNanos = -1;
        while (System.nanoTime() - start < 2_500_000_000L) {
            TargetHealth h = health(relay, "a");
            if (seen.isEmpty() || seen.get(seen.size() - 1) != h.state()) {
                seen.add(h.state());
            }
            if (liveAfterNanos < 0 && h.state() == TargetState.LIVE && h.since().isAfter(before)) {
                liveAfterNanos = System.nanoTime() - start;
            }
            Thread.sleep(20);
        }
        System.out.printf("%s: states %s, live after %d ms%n", what, seen, liveAfterNanos / 1_000_000);
        assertThat(seen).as("states after %s", what).doesNotContain(TargetState.DEGRADED);
        assertThat(liveAfterNanos).as("ns to live after %s", what).isBetween(0L, 1_000_000_000L);
        assertThat(health(relay, "a").droppedFrames()).as("drops after %s", what).isZero();
        assertThat(health(relay, "b").reconnects()).as("the other target's reconnects").isZero();
    }

    private static TargetState state(Relay relay, String id) {
        return health(relay, id).state();
    }

    private static TargetHealth health(Relay relay, String id) {
        return relay.health().targets().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }
}
