package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import dev.castrelay.config.Fit;
import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.config.VideoConfig;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/** End to end on the real FFmpeg natives: FLV in, per-rendition FLV out, checked by ffprobe. */
class TranscoderTest {

    private static final SlateConfig SLATE = new SlateConfig(null, "We'll be right back", 600);

    /** Outputs stay under target/ for a look with ffplay after a run. */
    private Path dir;

    private final Map<String, FlvRecorder> outputs = new LinkedHashMap<>();
    private final List<MediaPacket> inputs = new ArrayList<>();
    private Transcoder transcoder;

    @BeforeEach
    void outputDirectory(TestInfo test) throws Exception {
        dir = Files.createDirectories(Path.of("target", "test-output", test.getTestMethod().orElseThrow().getName()));
    }

    private Transcoder start(SlateConfig slate, Duration lossTimeout, RenditionConfig... renditions) {
        for (RenditionConfig r : renditions) {
            outputs.put(r.id(), new FlvRecorder(dir.resolve(r.id() + ".flv")));
        }
        transcoder = new Transcoder(List.of(renditions), slate, outputs::get, Transcoder.DEFAULT_DECODE_QUEUE_CAPACITY,
                lossTimeout);
        return transcoder;
    }

    private List<MediaPacket> input(Path flv) throws Exception {
        List<MediaPacket> packets = TestMedia.packets(flv);
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

        double inDuration = Ffprobe.probe(in).durationSeconds();
        assertRendition(outputs.get("wide").file(), 480, 270, 30, 2, inDuration);
        assertRendition(outputs.get("vertical").file(), 180, 320, 25, 1, inDuration);
    }

    private static void assertRendition(Path out, int width, int height, double fps, double keyframeSeconds,
                                        double inDuration) throws Exception {
        MediaInfo info = Ffprobe.probe(out);
        assertThat(info.video().codec()).isEqualTo("h264");
        assertThat(info.video().width()).isEqualTo(width);
        assertThat(info.video().height()).isEqualTo(height);
        assertThat(info.audio().codec()).isEqualTo("aac");
        assertThat(info.audio().sampleRate()).isEqualTo(44_100);
        assertThat(info.durationSeconds()).isCloseTo(inDuration, within(0.5));
        assertThat(info.audio().firstPts()).isCloseTo(info.video().firstPts(), within(0.05));

        assertKeyframesEvery(info, keyframeSeconds, fps);
    }

    private static void assertKeyframesEvery(MediaInfo info, double keyframeSeconds, double fps) {
        List<Double> keyframes = info.video().keyframeTimes();
        assertThat(keyframes).hasSizeGreaterThan(2);
        for (int i = 1; i < keyframes.size(); i++) {
            assertThat(keyframes.get(i) - keyframes.get(i - 1)).as("keyframe interval before keyframe %d", i)
                    .isCloseTo(keyframeSeconds, within(1.0 / fps + 0.001));
        }
    }

    @Test
    void cropPadAndStretchAllProduceTheConfiguredSize() throws Exception {
        Path in = TestMedia.flv(640, 360, 30, 44_100, 3);
        start(SLATE, Duration.ofSeconds(30),
                TestMedia.rendition("crop", 240, 320, Fit.CROP, 30, 1),
                TestMedia.rendition("pad", 240, 320, Fit.PAD, 30, 1),
                TestMedia.rendition("stretch", 240, 320, Fit.STRETCH, 30, 1));
        TestMedia.feed(transcoder, input(in), 2.0);
        finish();

        for (String id : List.of("crop", "pad", "stretch")) {
            MediaInfo.Video v = Ffprobe.probe(outputs.get(id).file()).video();
            assertThat(v.width()).as(id).isEqualTo(240);
            assertThat(v.height()).as(id).isEqualTo(320);
            assertThat(v.frames()).as(id).isGreaterThan(80);
        }
    }

    @Test
    void slateBridgesAnIngestOutageAndANewPublisherAtAnotherSizeWithOneContinuousStream() throws Exception {
        List<MediaPacket> first = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 4000).toList();
        List<MediaPacket> second = input(TestMedia.flv(320, 240, 25, 48_000, 4));
        start(SLATE, Duration.ofSeconds(30), TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 2));
        FlvRecorder out = outputs.get("main");

        transcoder.onIngestStart();
        TestMedia.feed(transcoder, first, 2.0);
        transcoder.onIngestLost();
        long lostAt = System.nanoTime();
        long framesBeforeOutage = out.videoFrames();
        await().atMost(Duration.ofSeconds(10)).until(() -> out.videoFrames() >= framesBeforeOutage + 3 * 30);
        double outageSeconds = (System.nanoTime() - lostAt) / 1e9;
        transcoder.onIngestStart();
        TestMedia.feed(transcoder, second, 2.0);
        finish();

        List<FlvRecorder.Tag> tags = out.tags();
        assertThat(tags.stream().filter(t -> t.kind() == MediaPacket.Kind.DATA)).as("onMetaData").hasSize(1);
        assertThat(tags.stream().filter(FlvRecorder.Tag::sequenceHeader)).as("sequence headers").hasSize(2);
        assertContinuous(media(tags, MediaPacket.Kind.VIDEO), 2 * 1000.0 / 30 + 1);
        assertContinuous(media(tags, MediaPacket.Kind.AUDIO), 2 * 1024 * 1000.0 / 44_100 + 1);

        MediaInfo info = Ffprobe.probe(out.file());
        assertThat(info.video().width()).isEqualTo(320);
        assertThat(info.video().height()).isEqualTo(180);
        assertThat(info.durationSeconds()).isCloseTo(4 + outageSeconds + 4, within(0.7));
        assertKeyframesEvery(info, 2, 30); // the encoder's GOP cadence runs straight through the outage
    }

    private static List<Long> media(List<FlvRecorder.Tag> tags, MediaPacket.Kind kind) {
        return tags.stream().filter(t -> t.kind() == kind && !t.sequenceHeader()).map(FlvRecorder.Tag::timestamp).toList();
    }

    private static void assertContinuous(List<Long> timestamps, double maxGapMs) {
        assertThat(timestamps).isNotEmpty().isSorted();
        assertThat(timestamps.get(0)).isLessThan(200);
        long worst = 0;
        for (int i = 1; i < timestamps.size(); i++) {
            worst = Math.max(worst, timestamps.get(i) - timestamps.get(i - 1));
        }
        assertThat((double) worst).as("largest gap between timestamps (ms)").isLessThanOrEqualTo(maxGapMs);
    }

    @Test
    void corruptVideoAndAudioPayloadsAreSkippedAndTheOutputKeepsFlowing() throws Exception {
        Path in = TestMedia.flv(640, 360, 30, 44_100, 5);
        List<MediaPacket> damaged = new ArrayList<>();
        int n = 0;
        for (MediaPacket p : input(in)) {
            n++;
            if (p.isVideo() && !p.isKeyframe() && !p.isSequenceHeader() && n % 10 == 0) {
                damaged.add(truncated(p)); // NAL unit length prefix now points past the end
            } else if (p.isAudio() && !p.isSequenceHeader() && n % 7 == 0) {
                damaged.add(garbageAac(p, n));
            } else {
                damaged.add(p);
            }
        }
        inputs.addAll(damaged.stream().filter(p -> !inputs.contains(p)).toList());
        start(SLATE, Duration.ofSeconds(30), TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        TestMedia.feed(transcoder, damaged, 2.0);
        finish();

        Path out = outputs.get("main").file();
        MediaInfo info = Ffprobe.probe(out);
        assertThat(info.durationSeconds()).isCloseTo(Ffprobe.probe(in).durationSeconds(), within(0.5));
        assertThat(info.video().frames()).isBetween(5 * 30 - 5, 5 * 30 + 5);
        assertThat(info.audio().packets()).isGreaterThan(5 * 44_100 / 1024 - 10);
    }

    private static MediaPacket truncated(MediaPacket p) {
        return MediaPacket.of(p.kind(), p.timestamp(), Unpooled.copiedBuffer(p.payload().duplicate()
                .slice(p.payload().readerIndex(), Math.max(9, p.size() / 2))));
    }

    private static MediaPacket garbageAac(MediaPacket p, long seed) {
        byte[] body = new byte[Math.max(8, p.size())];
        new Random(seed).nextBytes(body);
        body[0] = (byte) 0xaf;
        body[1] = 1;
        return MediaPacket.of(p.kind(), p.timestamp(), Unpooled.wrappedBuffer(body));
    }

    @Test
    void healthReportsEncodingThenSlateWithFpsAndSpeed() throws Exception {
        List<MediaPacket> packets = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 3000).toList();
        start(SLATE, Duration.ofSeconds(30), TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        assertThat(transcoder.health()).singleElement().extracting(RenditionHealth::state)
                .isEqualTo(RenditionState.IDLE);

        TestMedia.feed(transcoder, packets, 1.0);
        assertThat(transcoder.health()).singleElement().satisfies(h -> {
            assertThat(h.id()).isEqualTo("main");
            assertThat(h.state()).isEqualTo(RenditionState.ENCODING);
            assertThat(h.fps()).isBetween(20.0, 40.0);
            assertThat(h.bitrateKbps()).isPositive();
            assertThat(h.speed()).isGreaterThan(1.0);
        });
        transcoder.onIngestLost();
        await().atMost(Duration.ofSeconds(1))
                .until(() -> transcoder.health().get(0).state() == RenditionState.SLATE);
    }

    @Test
    void thumbnailIsAJpegOfTheNextPictureOnAirMadeOnlyOnRequest() throws Exception {
        List<MediaPacket> packets = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 1000).toList();
        start(SLATE, Duration.ofSeconds(30), TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        var thumbnail = transcoder.thumbnail();
        TestMedia.feed(transcoder, packets, 1.0);
        byte[] jpeg = thumbnail.get(5, java.util.concurrent.TimeUnit.SECONDS);
        var image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(jpeg));
        assertThat(image.getWidth()).isEqualTo(320);
        assertThat(image.getHeight()).isEqualTo(180);
        assertThat(transcoder.thumbnail()).as("a new request waits for a new picture").isNotDone();
    }

    @Test
    void aSlowRenditionDropsItsOwnPicturesWhileTheCheapOneKeepsRealTime() throws Exception {
        List<MediaPacket> packets = input(TestMedia.flv(1280, 720, 30, 44_100, 10));
        RenditionConfig slow = new RenditionConfig("slow", false,
                new VideoConfig("h264", 1920, 1080, Fit.PAD, 30, 6_000_000, 2, "slower", "high"),
                new AudioConfig("aac", 96_000, 44_100, 2));
        start(SLATE, Duration.ofSeconds(30), slow, TestMedia.rendition("cheap", 320, 180, Fit.PAD, 30, 2));
        long fedFrom = System.nanoTime();
        TestMedia.feed(transcoder, packets, 1.0);
        double fedSeconds = (System.nanoTime() - fedFrom) / 1e9;
        // Right when the encoder's last packet is in (no waiting for a catch-up): the cheap rendition has kept up.
        long cheapFrames = outputs.get("cheap").videoFrames();
        RenditionHealth slowHealth = transcoder.health().get(0);
        System.out.printf("after %.1f s of feeding: cheap put out %d frames; slow dropped %d pictures%n", fedSeconds,
                cheapFrames, slowHealth.droppedFrames());
        assertThat(cheapFrames).as("the cheap rendition's frames of 10 s at 30 fps, at the end of the feed")
                .isGreaterThanOrEqualTo(9 * 30);
        assertThat(slowHealth.droppedFrames()).as("the slow rendition's own drops").isPositive();
        // On a loaded machine the cheap one may miss a beat too, but its drops are its own and few.
        assertThat(transcoder.health().get(1).droppedFrames()).as("the cheap rendition's drops")
                .isLessThan(slowHealth.droppedFrames() / 4);
    }

    @Test
    void anIngestThatFallsSilentIsTreatedAsLostWithinOneSecond() throws Exception {
        List<MediaPacket> packets = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 2000).toList();
        start(SLATE, Transcoder.DEFAULT_LOSS_TIMEOUT, TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        TestMedia.feed(transcoder, packets, 1.0);
        long fedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(2)).until(() -> transcoder.health().get(0).state() == RenditionState.SLATE);
        assertThat((System.nanoTime() - fedAt) / 1e9).isLessThan(1.0 + 0.3 /* encoder latency of the last frames */);
        long frames = outputs.get("main").videoFrames();
        await().atMost(Duration.ofSeconds(3)).until(() -> outputs.get("main").videoFrames() > frames + 30);
    }

    @Test
    void afterTheSlateMaximumTheStreamEndsAndRestartsFromZeroWhenTheIngestReturns() throws Exception {
        List<MediaPacket> packets = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 2000).toList();
        start(new SlateConfig(null, "back soon", 1), Duration.ofSeconds(30),
                TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        FlvRecorder out = outputs.get("main");
        TestMedia.feed(transcoder, packets, 2.0);
        transcoder.onIngestLost();
        await().atMost(Duration.ofSeconds(3)).until(() -> out.streamEnds() == 1);
        assertThat(transcoder.health().get(0).state()).isEqualTo(RenditionState.IDLE);
        int tagsAtEnd = out.tags().size();

        transcoder.onIngestStart();
        TestMedia.feed(transcoder, packets, 2.0);
        await().atMost(Duration.ofSeconds(30)).until(transcoder::caughtUp);
        List<FlvRecorder.Tag> restarted = out.tags().subList(tagsAtEnd, out.tags().size());
        assertThat(restarted).hasSizeGreaterThan(3);
        assertThat(restarted.get(0).kind()).isEqualTo(MediaPacket.Kind.DATA);
        assertThat(restarted.subList(1, 3)).allMatch(FlvRecorder.Tag::sequenceHeader);
        FlvRecorder.Tag firstVideo = restarted.stream()
                .filter(t -> t.kind() == MediaPacket.Kind.VIDEO && !t.sequenceHeader()).findFirst().orElseThrow();
        assertThat(firstVideo.keyframe()).isTrue();
        assertThat(firstVideo.timestamp()).isLessThan(100);
    }

    @Test
    void aNewPublisherWithoutStartOrLossEventsStillGivesOneContinuousStream() throws Exception {
        List<MediaPacket> first = input(TestMedia.flv(640, 360, 30, 44_100, 10)).stream()
                .filter(p -> p.timestamp() < 3000).toList();
        List<MediaPacket> second = input(TestMedia.flv(320, 240, 25, 48_000, 4));
        start(SLATE, Duration.ofSeconds(30), TestMedia.rendition("main", 320, 180, Fit.PAD, 30, 1));
        TestMedia.feed(transcoder, first, 2.0);
        TestMedia.feed(transcoder, second, 2.0); // new sequence headers, timestamps from 0 again
        finish();

        FlvRecorder out = outputs.get("main");
        assertContinuous(media(out.tags(), MediaPacket.Kind.VIDEO), 2 * 1000.0 / 30 + 1);
        MediaInfo info = Ffprobe.probe(out.file());
        assertThat(info.video().width()).isEqualTo(320);
        assertThat(info.durationSeconds()).isCloseTo(3 + 4, within(0.5));
    }
}
