package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FlvFile;
import dev.castrelay.testkit.LogCapture;
import dev.castrelay.testkit.NginxRtmpSink;
import dev.castrelay.transcoder.RenditionState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Corrupt media from the encoder: our own RTMP client replays an FLV that ffmpeg made, with some H.264 NAL units
 * truncated (some with their AVCC length left stale, some with it fixed up to the short slice) and garbage AAC frames
 * injected. The relay must log and skip them, and its rendition must keep flowing to the platform.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorruptPayloadTest {

    private static final String KEY = "corrupt-e2e";
    private static final Duration PUBLISHED = Duration.ofSeconds(10);
    private static final double FPS = 30;
    /** ffprobe prints FLV's millisecond timestamps; a frame step of 33 or 34 ms is one frame. */
    private static final double MS_ROUNDING = 0.0015;
    /** Media times (ms) of the damage, more than a second apart so the relay's once-a-second warning names each. */
    private static final List<Long> STALE_LENGTH_AT = List.of(1500L, 4500L);
    private static final List<Long> SHORT_SLICE_AT = List.of(3000L, 7500L);
    private static final List<Long> GARBAGE_AAC_AT = List.of(2200L, 6000L, 8700L);

    private final List<String> transcoderWarnings = new ArrayList<>();
    private NginxRtmpSink sink;
    private Path recording;

    @BeforeAll
    void replayCorruptMediaThroughTheRelay(@TempDir Path dir) throws Exception {
        List<FlvFile.Tag> tags = corrupt(FlvFile.read(FfmpegPublisher.builder().size(640, 360).duration(PUBLISHED)
                .writeFlv(dir.resolve("clean.flv"))));
        LogCapture log = LogCapture.attach();
        sink = NginxRtmpSink.start();
        Relay relay = Relay.start(TranscodeConfig.ingestKey(KEY)
                .rendition("main", "width: 480, height: 270, fps: 30, bitrate: 600k, keyframeSeconds: 2, preset: ultrafast")
                .target("platform", "main", sink.url(), "platform-key")
                .load());
        try (ReplayPublisher publisher = ReplayPublisher.start(TranscodeEndToEndTest.ingestUrl(relay, KEY), tags)) {
            publisher.finished().get(PUBLISHED.toSeconds() + 20, TimeUnit.SECONDS);
            RenditionStates.await(relay, RenditionState.SLATE, Duration.ofSeconds(5));
        } finally {
            relay.close();
            log.close();
        }
        transcoderWarnings.addAll(log.lines().stream().filter(l -> l.startsWith("WARN dev.castrelay.transcoder.")
                || l.startsWith("ERROR dev.castrelay.transcoder.")).toList());
        recording = sink.awaitRecording(Duration.ofSeconds(10));
    }

    @AfterAll
    void closeSink() {
        if (sink != null) {
            sink.close();
        }
    }

    @Test
    void corruptH264IsLoggedAndSkipped() {
        assertThat(warnings()).anyMatch(m -> m.contains("corrupt H.264") || m.contains("H.264 decoder error"));
    }

    @Test
    void garbageAacIsLoggedAndSkipped() {
        assertThat(warnings()).anyMatch(m -> m.contains("corrupt AAC") || m.contains("AAC decoder error"));
    }

    @Test
    void videoKeepsFlowingThroughTheCorruptPackets() {
        Timeline t = Timeline.of(recording);
        assertThat(Timeline.gapsLongerThan(t.video(), 2 / FPS + MS_ROUNDING)).isEmpty();
        assertThat(t.video().get(t.video().size() - 1)).isCloseTo(PUBLISHED.toMillis() / 1000.0, within(0.5));
    }

    @Test
    void audioKeepsFlowingThroughTheGarbageFrames() {
        Timeline t = Timeline.of(recording);
        assertThat(Timeline.gapsLongerThan(t.audio(), 2 * 1024 / 48_000.0 + MS_ROUNDING)).isEmpty();
        assertThat(t.audio().get(t.audio().size() - 1)).isCloseTo(PUBLISHED.toMillis() / 1000.0, within(0.5));
    }

    @Test
    void thePlatformsRecordingDecodesCleanly() {
        assertThat(Ffprobe.decodeErrors(recording)).isEmpty();
    }

    private List<String> warnings() {
        return transcoderWarnings;
    }

    /** The damage: the first AVC frame (not a keyframe) at or after each chosen time, and garbage AAC frames. */
    private static List<FlvFile.Tag> corrupt(List<FlvFile.Tag> clean) {
        List<FlvFile.Tag> out = new ArrayList<>();
        List<Long> stale = new ArrayList<>(STALE_LENGTH_AT);
        List<Long> shortSlice = new ArrayList<>(SHORT_SLICE_AT);
        List<Long> garbage = new ArrayList<>(GARBAGE_AAC_AT);
        Random random = new Random(20260420);
        for (FlvFile.Tag tag : clean) {
            if (tag.isAvcFrame() && !tag.isKeyframe() && !stale.isEmpty() && tag.timestamp() >= stale.get(0)) {
                stale.remove(0);
                out.add(truncateLastNal(tag, false));
            } else if (tag.isAvcFrame() && !tag.isKeyframe() && !shortSlice.isEmpty() && tag.timestamp() >= shortSlice.get(0)) {
                shortSlice.remove(0);
                out.add(truncateLastNal(tag, true));
            } else if (tag.isAacFrame() && !garbage.isEmpty() && tag.timestamp() >= garbage.get(0)) {
                garbage.remove(0);
                out.add(tag);
                byte[] body = new byte[2 + 300];
                random.nextBytes(body);
                body[0] = tag.body()[0]; // AAC, its rate and channels: only the frame itself is garbage
                body[1] = 1;
                out.add(new FlvFile.Tag(FlvFile.AUDIO, tag.timestamp() + 1, body));
            } else {
                out.add(tag);
            }
        }
        assertThat(stale).as("stale-length targets found").isEmpty();
        assertThat(shortSlice).as("short-slice targets found").isEmpty();
        assertThat(garbage).as("garbage targets found").isEmpty();
        return out;
    }

    /**
     * Cuts the frame's last NAL unit to a third. With {@code fixLength} its AVCC length says the new size (a short
     * slice the decoder must cope with); without, the length still claims the old size (broken framing).
     */
    private static FlvFile.Tag truncateLastNal(FlvFile.Tag tag, boolean fixLength) {
        ByteBuffer b = ByteBuffer.wrap(tag.body());
        int last = 5;
        for (int at = 5; at + 4 <= b.limit(); at += 4 + b.getInt(at)) {
            last = at;
        }
        int nalSize = b.getInt(last);
        int kept = Math.max(1, nalSize / 3);
        byte[] body = new byte[last + 4 + kept];
        System.arraycopy(tag.body(), 0, body, 0, body.length);
        if (fixLength) {
            ByteBuffer.wrap(body).putInt(last, kept);
        }
        return new FlvFile.Tag(tag.type(), tag.timestamp(), body);
    }
}
