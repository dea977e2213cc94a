package dev.castrelay.relay.e2e;

import dev.castrelay.config.ConfigLoader;
import dev.castrelay.ingest.InputRole;
import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The backup ingest on both paths at once, with encoders of different sizes (720p primary, 1080p backup): a
 * transcoded platform gets one continuous picture across every switch (the shared decoder takes the other input at
 * its keyframe, the rendition's clock carries on), a passthrough platform stays in its one publish.
 */
class BackupTranscodeTest {

    private static final String PRIMARY_KEY = "primary-key-tx";
    private static final String BACKUP_KEY = "backup-key-tx";
    private static final int RETURN_AFTER_SECONDS = 4;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void freezeKillAndReturnOfThePrimaryLeaveBothPlatformsOnOnePublishWithoutAGap() throws Exception {
        Path transcoded;
        Path passthrough;
        try (NginxRtmpSink mainSink = NginxRtmpSink.start(); NginxRtmpSink sourceSink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(config(mainSink.url(), sourceSink.url()));
                 FfmpegPublisher backup = encoder(1920, 1080).publish(url(relay, BACKUP_KEY))) {
                FfmpegPublisher primary = encoder(1280, 720).publish(url(relay, PRIMARY_KEY));
                await().atMost(TIMEOUT).until(() -> active(relay).equals("primary")
                        && relay.health().targets().stream().allMatch(t -> t.state().id().equals("live")));
                Thread.sleep(3_000); // the broadcast runs on the primary a while
                // The dashboard's view of each input: the standby backup too, decoded for this picture alone.
                for (InputRole role : InputRole.values()) {
                    byte[] jpeg = relay.inputThumbnail(role).get(10, TimeUnit.SECONDS).orElseThrow();
                    BufferedImage still = ImageIO.read(new ByteArrayInputStream(jpeg));
                    assertThat(still.getWidth()).as("%s still's width", role.id()).isEqualTo(320);
                    assertThat(still.getHeight()).as("%s still's height (16:9)", role.id()).isEqualTo(180);
                }

                Processes.signal(primary.pid(), "STOP"); // frozen: the connection stays half open
                long frozen = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                        .until(() -> active(relay).equals("backup"));
                double toBackup = (System.nanoTime() - frozen) / 1e9;
                Thread.sleep(2_000); // frozen a while on the backup
                primary.kill(); // and then it dies
                Thread.sleep(1_000); // gone a while

                try (FfmpegPublisher again = encoder(1280, 720).publish(url(relay, PRIMARY_KEY))) {
                    long started = System.nanoTime();
                    await().atMost(TIMEOUT).until(() -> inputLive(relay, "primary"));
                    double connected = (System.nanoTime() - started) / 1e9;
                    await().atMost(Duration.ofSeconds(RETURN_AFTER_SECONDS + 10)).pollInterval(Duration.ofMillis(50))
                            .until(() -> active(relay).equals("primary"));
                    double back = (System.nanoTime() - started) / 1e9 - connected;
                    System.out.printf("720p primary frozen: 1080p backup on air %.2f s later; the new primary took "
                            + "the program back %.1f s after it was live (returnAfterSeconds %d)%n", toBackup, back,
                            RETURN_AFTER_SECONDS);
                    assertThat(toBackup).as("seconds from freeze to backup (lossMillis 1000 + 1 s)").isLessThan(2.0);
                    assertThat(back).as("seconds from the primary's return to the program")
                            .isBetween(RETURN_AFTER_SECONDS - 0.5, RETURN_AFTER_SECONDS + 3.0);
                    Thread.sleep(2_000); // the broadcast runs on: no reconnect or slate may follow
                    relay.health().targets().forEach(t -> assertThat(t.reconnects()).as(t.id()).isZero());
                    assertThat(relay.health().renditions().get(0).slateFrames())
                            .as("slate frames while an input was there to switch to").isZero();
                    again.stop();
                }
                backup.stop();
            }
            mainSink.awaitPublishSessions(1, TIMEOUT);
            sourceSink.awaitPublishSessions(1, TIMEOUT);
            assertThat(mainSink.publishSessions()).as("publishes at the transcoded platform").isEqualTo(1);
            assertThat(sourceSink.publishSessions()).as("publishes at the passthrough platform").isEqualTo(1);
            transcoded = mainSink.awaitRecording(TIMEOUT);
            passthrough = sourceSink.awaitRecording(TIMEOUT);

            List<Double> mainFrames = videoTimes(transcoded);
            double mainGap = largestGap(mainFrames);
            List<Double> sourceFrames = videoTimes(passthrough);
            double sourceGap = largestGap(sourceFrames);
            System.out.printf("transcoded: %d frames, largest gap %.3f s; passthrough: %d frames, largest gap %.3f s%n",
                    mainFrames.size(), mainGap, sourceFrames.size(), sourceGap);
            assertThat(mainGap).as("largest gap between the transcoded platform's frames").isLessThan(0.1);
            assertThat(Ffprobe.decodeErrors(transcoded)).as("transcoded recording: monotonic, decodes").isEmpty();
            assertThat(sourceGap).as("largest gap at the passthrough platform: under lossMillis + one GOP")
                    .isLessThan(2.0);
            assertThat(Ffprobe.decodeErrors(passthrough)).as("passthrough recording decodes").isEmpty();
        }
    }

    private static dev.castrelay.config.RelayConfig config(String mainUrl, String sourceUrl) {
        String yaml = """
                ingest:
                  listen: 127.0.0.1:0
                  app: live
                  streamKey: %s
                  backup: { streamKey: %s }
                  failover: { lossMillis: 1000, returnAfterSeconds: %d }
                control: { listen: 127.0.0.1:0, token: backup-transcode-token }
                renditions:
                  main:
                    video: { codec: h264, width: 640, height: 360, fps: 30, bitrate: 800k, keyframeSeconds: 2, preset: ultrafast }
                    audio: { codec: aac, bitrate: 128k }
                  source: { passthrough: true }
                targets:
                  - { id: transcoded, platform: custom, url: %s/, key: main, rendition: main }
                  - { id: passthrough, platform: custom, url: %s/, key: source, rendition: source }
                """.formatted(PRIMARY_KEY, BACKUP_KEY, RETURN_AFTER_SECONDS, mainUrl, sourceUrl);
        return new ConfigLoader().parse(yaml).orThrow();
    }

    private static FfmpegPublisher.Builder encoder(int width, int height) {
        return FfmpegPublisher.builder().size(width, height).fps(30).gopSeconds(1).untilStopped();
    }

    private static String url(Relay relay, String key) {
        return "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/" + key;
    }

    private static String active(Relay relay) {
        String a = relay.health().ingest().active();
        return a == null ? "" : a;
    }

    private static boolean inputLive(Relay relay, String role) {
        return relay.health().ingest().inputs().stream()
                .anyMatch(i -> i.role().equals(role) && i.state().id().equals("live"));
    }

    /** Video packet times in presentation order. */
    private static List<Double> videoTimes(Path file) {
        String out = Processes.run(Duration.ofSeconds(60), "ffprobe", "-v", "error", "-select_streams", "v",
                "-show_entries", "packet=pts_time", "-of", "csv=p=0", file.toString()).requireSuccess().stdout();
        List<Double> times = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.startsWith("N/A")) {
                times.add(Double.parseDouble(line.trim().replace(",", "")));
            }
        }
        times.sort(Double::compare);
        return times;
    }

    private static double largestGap(List<Double> times) {
        double gap = 0;
        for (int i = 1; i < times.size(); i++) {
            gap = Math.max(gap, times.get(i) - times.get(i - 1));
        }
        return gap;
    }
}
