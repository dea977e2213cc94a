package dev.castrelay.relay.e2e;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.relay.Relay;
import dev.castrelay.relay.RelayHealth;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two encoders publish at once; when the primary dies or freezes, the backup is the program within a second more,
 * and the platforms never notice: one publish, no reconnect, a recording that decodes cleanly. Once the primary is
 * back and healthy for {@code returnAfterSeconds}, it takes the program back.
 */
class BackupIngestTest {

    private static final String PRIMARY_KEY = "primary-key-e2e";
    private static final String BACKUP_KEY = "backup-key-e2e";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @TempDir
    Path archive;

    @Test
    void primaryKilledThenBackThePlatformSeesOneContinuousPublish() throws Exception {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             Relay relay = Relay.start(PassthroughConfig.ingestKey(PRIMARY_KEY)
                     .backup(BACKUP_KEY, "{ lossMillis: 1000, returnAfterSeconds: 3 }")
                     .target(sink.url(), "platform").load());
             FfmpegPublisher backup = encoder().publish(url(relay, BACKUP_KEY))) {
            // The backup connected first: the primary takes the program once it has been healthy for 3 s.
            FfmpegPublisher primary = encoder().publish(url(relay, PRIMARY_KEY));
            await().atMost(TIMEOUT).until(() -> inputLive(relay, "primary") && inputLive(relay, "backup")
                    && target(relay).state() == TargetState.LIVE);
            awaitActive(relay, "primary", TIMEOUT);
            Thread.sleep(3_000); // the broadcast runs on the primary a while

            primary.kill(); // the venue's primary encoder dies: no goodbye
            long killed = System.nanoTime();
            awaitActive(relay, "backup", Duration.ofSeconds(5));
            double switchSeconds = (System.nanoTime() - killed) / 1e9;
            assertThat(relay.health().status()).as("status on the backup").isEqualTo(RelayHealth.Status.WARNING);
            Thread.sleep(3_000); // the broadcast runs on the backup a while

            try (FfmpegPublisher again = encoder().publish(url(relay, PRIMARY_KEY))) {
                long back = System.nanoTime();
                awaitActive(relay, "primary", Duration.ofSeconds(15));
                double returnSeconds = (System.nanoTime() - back) / 1e9;
                System.out.printf("failover %.2f s after the primary died; primary back after %.1f s%n",
                        switchSeconds, returnSeconds);
                assertThat(switchSeconds).as("seconds to the backup").isLessThan(2.0);
                assertThat(returnSeconds).as("seconds to return, returnAfterSeconds 3").isBetween(3.0, 10.0);
                Thread.sleep(3_000); // the broadcast runs on the returned primary: no reconnect may follow
                assertThat(relay.inputs().failovers()).as("switches (to the backup and back, after the first "
                        + "program start)").isGreaterThanOrEqualTo(2);
                TargetHealth t = target(relay);
                assertThat(t.state()).isEqualTo(TargetState.LIVE);
                assertThat(t.reconnects()).as("the platform's reconnects").isZero();
                again.stop();
                backup.stop();
            }
        }
        // (sink closed above: read what it recorded)
    }

    @Test
    void aFrozenPrimaryFailsOverWithinLossMillisAndTheRecordingDecodesCleanly() throws Exception {
        Path recording;
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(PassthroughConfig.ingestKey(PRIMARY_KEY)
                         .backup(BACKUP_KEY, "{ lossMillis: 1000, returnAfterSeconds: 600 }")
                         .target(sink.url(), "platform").archive(archive, "").load());
                 FfmpegPublisher primary = encoder().publish(url(relay, PRIMARY_KEY))) {
                awaitActive(relay, "primary", TIMEOUT); // the primary is the program from the start
                FfmpegPublisher backup = encoder().publish(url(relay, BACKUP_KEY));
                await().atMost(TIMEOUT).until(() -> inputLive(relay, "backup")
                        && target(relay).state() == TargetState.LIVE);
                Thread.sleep(2_000); // the broadcast runs on the primary a while
                Processes.signal(primary.pid(), "STOP"); // frozen: connected, sending nothing
                long frozen = System.nanoTime();
                awaitActive(relay, "backup", Duration.ofSeconds(5));
                double seconds = (System.nanoTime() - frozen) / 1e9;
                System.out.printf("frozen primary: backup is the program %.2f s later%n", seconds);
                assertThat(seconds).as("seconds from freeze to backup (lossMillis 1000)").isBetween(0.9, 2.0);
                Thread.sleep(4_000); // the broadcast runs on the backup: no reconnect may follow
                assertThat(target(relay).reconnects()).isZero();
                Processes.signal(primary.pid(), "CONT");
                backup.stop();
                backup.close();
            }
            sink.awaitPublishSessions(1, TIMEOUT);
            assertThat(sink.publishSessions()).as("publishes at the platform").isEqualTo(1);
            recording = sink.awaitRecording(TIMEOUT);
            MediaInfo got = Ffprobe.probe(recording);
            // About 7 s on air, one of them frozen until the switch: at least 5 s of frames at 30 fps.
            assertThat(got.video().frames()).as("frames recorded").isGreaterThan(150);
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors across the failover").isEmpty();
            // The archive too: the backup's rebased timestamps and identical codec settings continue the same file.
            List<Path> files = ArchiveEndToEndTest.files(archive);
            assertThat(files).as("archive files across the failover").hasSize(1);
            assertThat(Ffprobe.probe(files.get(0)).durationSeconds()).as("archive duration")
                    .isCloseTo(got.durationSeconds(), Offset.offset(1.0));
            assertThat(Ffprobe.decodeErrors(files.get(0))).as("archive decode errors across the failover").isEmpty();
        }
    }

    private static FfmpegPublisher.Builder encoder() {
        return FfmpegPublisher.builder().size(640, 360).fps(30).gopSeconds(1).untilStopped();
    }

    private static String url(Relay relay, String key) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/" + PassthroughConfig.APP + "/" + key;
    }

    private static boolean inputLive(Relay relay, String role) {
        return relay.health().ingest().inputs().stream()
                .anyMatch(i -> i.role().equals(role) && i.state().id().equals("live"));
    }

    private static void awaitActive(Relay relay, String role, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(50))
                .until(() -> role.equals(relay.health().ingest().active()));
    }

    private static TargetHealth target(Relay relay) {
        return relay.health().targets().get(0);
    }
}
