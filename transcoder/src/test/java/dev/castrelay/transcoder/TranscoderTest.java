package dev.castrelay.transcoder;

import dev.castrelay.config.Fit;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.rtmp.media.MediaPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** End to end on the real FFmpeg natives: FLV in, per-rendition FLV out, checked by ffprobe. */
class TranscoderTest {

    private static final SlateConfig SLATE = new SlateConfig(null, "We'll be right back", 600);

    @TempDir
    Path dir;

    private final Map<String, FlvRecorder> outputs = new LinkedHashMap<>();
    private final List<MediaPacket> inputs = new ArrayList<>();
    private Transcoder transcoder;

    private Transcoder start(SlateConfig slate, Duration lossTimeout, RenditionConfig... renditions) {
        for (RenditionConfig r : renditions) {
            outputs.put(r.id(), new FlvRecorder(dir.resolve(r.id() + ".flv")));
        }
        transcoder = new Transcoder(List.of(renditions), slate, outputs::get, Transcoder.DEFAULT_DECODE_QUEUE_CAPACITY,
                lossTimeout);
        return transcoder;
    }

    private List<MediaPacket> input(Path flv) throws Exception {
        List<MediaPacket> packets = FlvFile.read(flv);
        inputs.addAll(packets);
        return packets;
    }

    /** Waits until everything fed is encoded, then closes (flushing the encoders) and the files. */
    private void finish() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(transcoder::caughtUp);
        transcoder.close();
        for (FlvRecorder r : outputs.values()) {
            r.close();
        }
    }

    @AfterEach
    void tearDown() {
        if (transcoder != null) {
            transcoder.close();
        }
        TestMedia.releaseAll(inputs);
    }

    @Test
    void eachRenditionHasItsSizeCodecsDurationAndExactKeyframeInterval() throws Exception {
        Path in = TestMedia.flv(640, 360, 30, 44_100, 10);
        start(SLATE, Duration.ofSeconds(30),
                TestMedia.rendition("wide", 480, 270, Fit.PAD, 30, 2),
                TestMedia.rendition("vertical", 180, 320, Fit.CROP, 25, 1));
        TestMedia.feed(transcoder, input(in), 2.0);
        finish();

        double inDuration = Ffprobe.duration(in);
        assertRendition(outputs.get("wide").file(), 480, 270, 30, 2, inDuration);
        assertRendition(outputs.get("vertical").file(), 180, 320, 25, 1, inDuration);
    }

    private static void assertRendition(Path out, int width, int height, double fps, double keyframeSeconds,
                                        double inDuration) throws Exception {
        Ffprobe.Stream v = Ffprobe.stream(out, "v");
        Ffprobe.Stream a = Ffprobe.stream(out, "a");
        assertThat(v.get("codec_name")).isEqualTo("h264");
        assertThat(v.intValue("width")).isEqualTo(width);
        assertThat(v.intValue("height")).isEqualTo(height);
        assertThat(a.get("codec_name")).isEqualTo("aac");
        assertThat(a.intValue("sample_rate")).isEqualTo(44_100);
        assertThat(Ffprobe.duration(out)).isCloseTo(inDuration, within(0.5));
        assertThat(a.doubleValue("start_time")).isCloseTo(v.doubleValue("start_time"), within(0.05));

        List<Double> keyframes = Ffprobe.packets(out, "v").stream().filter(Ffprobe.Packet::keyframe)
                .map(Ffprobe.Packet::pts).sorted().toList();
        assertThat(keyframes).hasSizeGreaterThan(2);
        for (int i = 1; i < keyframes.size(); i++) {
            assertThat(keyframes.get(i) - keyframes.get(i - 1)).as("keyframe interval before keyframe %d", i)
                    .isCloseTo(keyframeSeconds, within(1.0 / fps + 0.001));
        }
    }
}
