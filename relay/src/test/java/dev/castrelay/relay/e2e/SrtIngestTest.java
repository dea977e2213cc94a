package dev.castrelay.relay.e2e;

import dev.castrelay.ingest.IngestHealth;
import dev.castrelay.relay.Relay;
import dev.castrelay.relay.transcode.TranscodeConfig;
import dev.castrelay.targets.TargetState;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FreePorts;
import dev.castrelay.testkit.LogCapture;
import dev.castrelay.testkit.LossyUdpRelay;
import dev.castrelay.testkit.MediaInfo;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.transcoder.RenditionHealth;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SRT ingest end to end, with Debian's ffmpeg as the encoder (MPEG-TS over SRT, as OBS sends it) and nginx-rtmp as
 * the platform: through a lossy uplink to a transcoded rendition, to a passthrough rendition, and with callers that
 * present a wrong key or a wrong passphrase while the real encoder publishes.
 */
class SrtIngestTest {

    private static final String KEY = "srt-e2e-key";
    private static final String PASSPHRASE = "srt-e2e-passphrase";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void twentySecondsThroughALossyUplinkReachTheTranscodedPlatformWhole() throws Exception {
        int srtPort = FreePorts.nextUdp();
        Duration published = Duration.ofSeconds(20);
        Path recording;
        long pictures;
        long dropped;
        long forwarded;
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                         .srt("listen: 127.0.0.1:" + srtPort + ", latencyMillis: 400, passphrase: " + PASSPHRASE)
                         .rendition("main", "width: 640, height: 360, fps: 30, bitrate: 800k, keyframeSeconds: 2, "
                                 + "preset: ultrafast")
                         .target("platform", "main", sink.url(), "main-key").load());
                 LossyUdpRelay uplink = LossyUdpRelay.start(srtPort, 0.03, 40);
                 FfmpegPublisher publisher = FfmpegPublisher.builder().size(640, 360).fps(30).duration(published)
                         .videoBitrateKbps(1500).publish(srtUrl(uplink.port(), "#!::r=live/" + KEY + ",m=publish",
                                 PASSPHRASE))) {
                await().atMost(TIMEOUT).until(() -> inputLive(relay, "srt"));
                assertThat(publisher.awaitExit(published.plus(TIMEOUT))).as(publisher.stderrTail()).isZero();
                // The last packets arrive within the latency window; then the input ends and the slate starts.
                await().atMost(TIMEOUT).until(() -> relay.health().ingest().state().id().equals("lost"));
                long slate = relay.health().renditions().stream().mapToLong(RenditionHealth::slateFrames).sum();
                dropped = uplink.dropped();
                forwarded = uplink.forwarded();
                recording = null;
                pictures = -slate;
            }
            recording = sink.awaitRecording(TIMEOUT);
            MediaInfo got = Ffprobe.probe(recording);
            pictures += got.video().frames();
            System.out.printf("SRT through 3%% loss: %d of %d datagrams dropped; %.1f s recorded, %d frames of picture "
                    + "(not slate)%n", dropped, dropped + forwarded, got.durationSeconds(), pictures);
            assertThat(dropped).as("datagrams the uplink dropped").isGreaterThan((dropped + forwarded) / 100);
            assertThat(got.durationSeconds()).as("seconds recorded").isGreaterThanOrEqualTo(19.0);
            assertThat(pictures).as("frames of picture at 30 fps (19 s = 570)").isGreaterThanOrEqualTo(570);
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors").isEmpty();
        }
    }

    @Test
    void aPassthroughPlatformGetsTheStreamWhileWrongKeyAndWrongPassphraseAreRefused() throws Exception {
        int srtPort = FreePorts.nextUdp();
        Duration published = Duration.ofSeconds(12);
        try (NginxRtmpSink sink = NginxRtmpSink.start(); LogCapture log = LogCapture.attach()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                         .srt("listen: 127.0.0.1:" + srtPort + ", passphrase: " + PASSPHRASE)
                         .passthrough("source")
                         .target("platform", "source", sink.url(), "source-key").load());
                 FfmpegPublisher publisher = encoder(published).publish(srtUrl(srtPort, "live/" + KEY, PASSPHRASE))) {
                await().atMost(TIMEOUT).until(() -> inputLive(relay, "srt")
                        && relay.health().targets().get(0).state() == TargetState.LIVE);
                try (FfmpegPublisher wrongKey = encoder(published).publish(srtUrl(srtPort,
                             "#!::r=live/not-the-key,m=publish", PASSPHRASE));
                     FfmpegPublisher wrongPassphrase = encoder(published).publish(srtUrl(srtPort,
                             "#!::r=live/" + KEY + ",m=publish", "not-the-passphrase"));
                     FfmpegPublisher noPassphrase = encoder(published).publish(srtUrl(srtPort, "live/" + KEY, null))) {
                    for (FfmpegPublisher refused : new FfmpegPublisher[] {wrongKey, wrongPassphrase, noPassphrase}) {
                        assertThat(refused.awaitExit(TIMEOUT)).as("refused caller's exit code; "
                                + refused.stderrTail()).isNotZero();
                    }
                }
                assertThat(publisher.isAlive()).as("the real encoder still publishing").isTrue();
                IngestHealth.Input input = relay.health().ingest().inputs().get(0);
                assertThat(input.state().id()).isEqualTo("live");
                assertThat(input.protocol()).isEqualTo("srt");
                assertThat(relay.health().ingest().video().codec()).isEqualTo("h264");
                assertThat(relay.health().ingest().video().width()).isEqualTo(640);
                assertThat(publisher.awaitExit(published.plus(TIMEOUT))).as(publisher.stderrTail()).isZero();
                assertThat(relay.health().targets().get(0).reconnects()).as("the platform's reconnects").isZero();
            }
            sink.awaitPublishSessions(1, TIMEOUT);
            assertThat(sink.publishSessions()).as("publishes at the platform").isEqualTo(1);
            Path recording = sink.awaitRecording(TIMEOUT);
            MediaInfo got = Ffprobe.probe(recording);
            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(got.audio().codec()).isEqualTo("aac");
            assertThat(got.video().frames()).as("frames passed through (12 s at 30 fps)")
                    .isGreaterThan((int) (published.toSeconds() * 30 * 0.9));
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors").isEmpty();
            assertThat(log.linesContaining("refused publisher from an SRT caller: wrong stream key"))
                    .as("the wrong key's refusal, logged").hasSize(1);
            assertThat(String.join("\n", log.lines())).as("keys and passphrases in the log")
                    .doesNotContain(KEY).doesNotContain("not-the-key").doesNotContain(PASSPHRASE)
                    .doesNotContain("not-the-passphrase");
        }
    }

    @Test
    void keyframesLargerThanFfmpegsPesBufferArriveWhole() throws Exception {
        int srtPort = FreePorts.nextUdp();
        Duration published = Duration.ofSeconds(6);
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                         .srt("listen: 127.0.0.1:" + srtPort)
                         .passthrough("source")
                         .target("platform", "source", sink.url(), "source-key").load());
                 // Film grain at 12 Mb/s: keyframes of several hundred KB, which FFmpeg's demuxer hands over in
                 // pieces of its 200 KiB PES buffer.
                 FfmpegPublisher publisher = FfmpegPublisher.builder().size(1280, 720).fps(30).gopSeconds(1)
                         .grain().videoBitrateKbps(12_000).duration(published)
                         .publish(srtUrl(srtPort, "live/" + KEY, null))) {
                assertThat(publisher.awaitExit(published.plus(TIMEOUT))).as(publisher.stderrTail()).isZero();
                await().atMost(TIMEOUT).until(() -> relay.health().ingest().state().id().equals("lost"));
            }
            Path recording = sink.awaitRecording(TIMEOUT);
            List<String> keyframeSizes = dev.castrelay.testkit.Processes.run(Duration.ofSeconds(30), "ffprobe",
                    "-v", "error", "-select_streams", "v", "-show_entries", "packet=size,flags", "-of", "csv=p=0",
                    recording.toString()).requireSuccess().stdoutLines().stream()
                    .filter(l -> l.contains("K")).toList();
            int largest = keyframeSizes.stream().mapToInt(l -> Integer.parseInt(l.split(",")[0])).max().orElse(0);
            MediaInfo got = Ffprobe.probe(recording);
            System.out.printf("SRT at 12 Mb/s: largest keyframe %d bytes, %d frames of %d%n", largest,
                    got.video().frames(), published.toSeconds() * 30);
            assertThat(largest).as("the largest keyframe, bytes").isGreaterThan(200 * 1024);
            assertThat(keyframeSizes).as("keyframes at the platform (one a second)")
                    .hasSizeGreaterThanOrEqualTo((int) published.toSeconds() - 1);
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors").isEmpty();
        }
    }

    @Test
    void aRestartedSrtEncoderTakesOverFromItsFrozenConnection() throws Exception {
        int srtPort = FreePorts.nextUdp();
        try (LogCapture log = LogCapture.attach();
             Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                     .srt("listen: 127.0.0.1:" + srtPort)
                     .passthrough("source").load());
             FfmpegPublisher frozen = encoder(null).publish(srtUrl(srtPort, "live/" + KEY, null))) {
            await().atMost(TIMEOUT).until(() -> relay.health().ingest().video() != null);
            dev.castrelay.testkit.Processes.signal(frozen.pid(), "STOP"); // the encoder hangs, its connection open
            try (FfmpegPublisher restarted = encoder(null).publish(srtUrl(srtPort, "live/" + KEY, null))) {
                await().atMost(TIMEOUT).until(() -> !log.linesContaining("SRT primary input closed: taken over by a "
                        + "new primary publisher").isEmpty());
                await().atMost(TIMEOUT).until(() -> inputLive(relay, "srt")
                        && relay.health().ingest().bitrateKbps() > 0);
                Thread.sleep(2_000); // the restarted encoder stays the input, not taken over again
                assertThat(inputLive(relay, "srt")).as("the restarted encoder is the input").isTrue();
                assertThat(restarted.isAlive()).isTrue();
            } finally {
                dev.castrelay.testkit.Processes.signal(frozen.pid(), "CONT");
            }
        }
    }

    @Test
    void hevcOverSrtIsTranscodedToH264() throws Exception {
        int srtPort = FreePorts.nextUdp();
        Duration published = Duration.ofSeconds(8);
        try (NginxRtmpSink sink = NginxRtmpSink.start()) {
            long slate;
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                         .srt("listen: 127.0.0.1:" + srtPort)
                         .rendition("main", "width: 640, height: 360, fps: 30, bitrate: 800k, keyframeSeconds: 2, "
                                 + "preset: ultrafast")
                         .target("platform", "main", sink.url(), "main-key").load());
                 // FFmpeg 7.1's program (libx265), as a hardware encoder or OBS would send HEVC over SRT.
                 FfmpegPublisher publisher = encoder(published).videoCodec("hevc").videoBitrateKbps(800)
                         .publish(srtUrl(srtPort, "live/" + KEY, null))) {
                await().atMost(TIMEOUT).until(() -> relay.health().ingest().video() != null);
                assertThat(relay.health().ingest().video().codec()).isEqualTo("hevc");
                assertThat(publisher.awaitExit(published.plus(TIMEOUT))).as(publisher.stderrTail()).isZero();
                await().atMost(TIMEOUT).until(() -> relay.health().ingest().state().id().equals("lost"));
                slate = relay.health().renditions().stream().mapToLong(RenditionHealth::slateFrames).sum();
            }
            MediaInfo got = Ffprobe.probe(sink.awaitRecording(TIMEOUT));
            assertThat(got.video().codec()).isEqualTo("h264");
            assertThat(got.video().frames() - slate).as("frames transcoded from HEVC (8 s at 30 fps)")
                    .isGreaterThan((int) (published.toSeconds() * 30 * 0.85));
        }
    }

    @Test
    void aBackupEncoderOverSrtTakesOverFromAnRtmpPrimary() throws Exception {
        int srtPort = FreePorts.nextUdp();
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                     .backup("backup-" + KEY, "{ lossMillis: 1000, returnAfterSeconds: 600 }")
                     .srt("listen: 127.0.0.1:" + srtPort)
                     .passthrough("source")
                     .target("platform", "source", sink.url(), "source-key").load());
             FfmpegPublisher primary = encoder(null).publish("rtmp://127.0.0.1:" + relay.ingestAddress().getPort()
                     + "/live/" + KEY)) {
            await().atMost(TIMEOUT).until(() -> "primary".equals(relay.health().ingest().active()));
            FfmpegPublisher backup = encoder(null).publish(srtUrl(srtPort, "#!::r=live/backup-" + KEY + ",m=publish",
                    null));
            // The standby is ready once its pictures flow (a keyframe in its GOP cache).
            await().atMost(TIMEOUT).until(() -> inputLive(relay, "srt")
                    && relay.health().ingest().inputs().get(1).video() != null
                    && relay.health().ingest().inputs().get(1).video().fps() > 0
                    && relay.health().targets().get(0).state() == TargetState.LIVE);
            Thread.sleep(1_000); // a second of the standby's pictures before the primary dies
            IngestHealth.Input standby = relay.health().ingest().inputs().get(1);
            assertThat(standby.role()).isEqualTo("backup");
            assertThat(standby.protocol()).isEqualTo("srt");
            assertThat(relay.health().ingest().inputs().get(0).protocol()).isEqualTo("rtmp");

            primary.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "backup".equals(relay.health().ingest().active()));
            System.out.printf("RTMP primary killed: the SRT backup is the program %.2f s later%n",
                    (System.nanoTime() - killed) / 1e9);
            Thread.sleep(2_000); // the broadcast runs on the backup: no reconnect may follow
            assertThat(relay.health().targets().get(0).state()).isEqualTo(TargetState.LIVE);
            assertThat(relay.health().targets().get(0).reconnects()).as("the platform's reconnects").isZero();
            backup.close();
        }
    }

    @Test
    void framesLostBeyondTheLatencyWindowAreSkippedWithALogLineAndThePlatformDecodesCleanly() throws Exception {
        int srtPort = FreePorts.nextUdp();
        Duration published = Duration.ofSeconds(10);
        try (NginxRtmpSink sink = NginxRtmpSink.start(); LogCapture log = LogCapture.attach()) {
            try (Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                         .srt("listen: 127.0.0.1:" + srtPort + ", latencyMillis: 20")
                         .passthrough("source")
                         .target("platform", "source", sink.url(), "source-key").load());
                 // 40 ms one way and a 20 ms window on both sides: a lost datagram's resend always comes too late.
                 LossyUdpRelay uplink = LossyUdpRelay.start(srtPort, 0.02, 40);
                 FfmpegPublisher publisher = encoder(published).publish(srtUrl(uplink.port(), "live/" + KEY, null)
                         + "&latency=20000")) {
                assertThat(publisher.awaitExit(published.plus(TIMEOUT))).as(publisher.stderrTail()).isZero();
                await().atMost(TIMEOUT).until(() -> relay.health().ingest().state().id().equals("lost"));
            }
            assertThat(log.linesContaining("SRT primary input: a damaged")).as("log lines for damaged frames")
                    .isNotEmpty();
            assertThat(log.linesContaining("Rendition").stream().filter(l -> l.startsWith("ERROR")).toList())
                    .isEmpty();
            Path recording = sink.awaitRecording(TIMEOUT);
            MediaInfo got = Ffprobe.probe(recording);
            System.out.printf("SRT with a window shorter than the round trip: %d damaged-frame warnings, %d frames "
                    + "passed through of %d sent%n", log.linesContaining("a damaged").size(), got.video().frames(),
                    published.toSeconds() * 30);
            assertThat(got.video().frames()).as("frames that reached the platform").isGreaterThan(30);
            assertThat(Ffprobe.decodeErrors(recording)).as("decode errors at the platform").isEmpty();
        }
    }

    @Test
    void aCallerSendingSomethingOtherThanMpegTsIsClosedAndTheKeyStaysUsable() throws Exception {
        int srtPort = FreePorts.nextUdp();
        try (LogCapture log = LogCapture.attach();
             Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                     .srt("listen: 127.0.0.1:" + srtPort)
                     .passthrough("source").load())) {
            Process raw = dev.castrelay.testkit.Processes.start(new ProcessBuilder("ffmpeg", "-hide_banner",
                    "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "20",
                    "-f", "rawvideo", srtUrl(srtPort, "live/" + KEY, null)));
            try {
                await().atMost(TIMEOUT).until(() -> !log.linesContaining("SRT primary input").isEmpty()
                        && !inputLive(relay, "srt"));
                assertThat(String.join("\n", log.linesContaining("SRT primary input")))
                        .containsAnyOf("not MPEG-TS", "no H.264, HEVC or AAC frame");
            } finally {
                dev.castrelay.testkit.Processes.destroyTree(raw.toHandle(), Duration.ZERO);
            }
            try (FfmpegPublisher publisher = encoder(null).publish(srtUrl(srtPort, "live/" + KEY, null))) {
                await().atMost(TIMEOUT).until(() -> inputLive(relay, "srt")
                        && relay.health().ingest().video() != null);
            }
        }
    }

    /** A 640x360 30 fps encoder with 1 s GOPs, publishing for {@code duration} (null: until stopped). */
    private static FfmpegPublisher.Builder encoder(Duration duration) {
        FfmpegPublisher.Builder b = FfmpegPublisher.builder().size(640, 360).fps(30).gopSeconds(1);
        return duration == null ? b.untilStopped() : b.duration(duration);
    }

    /** The URL an encoder is given: the streamid and the passphrase as query options, as OBS takes them. */
    static String srtUrl(int port, String streamId, String passphrase) {
        return "srt://127.0.0.1:" + port + "?streamid=" + streamId
                + (passphrase == null ? "" : "&passphrase=" + passphrase);
    }

    private static boolean inputLive(Relay relay, String protocol) {
        return relay.health().ingest().inputs().stream()
                .anyMatch(i -> i.state().id().equals("live") && i.protocol().equals(protocol));
    }
}
