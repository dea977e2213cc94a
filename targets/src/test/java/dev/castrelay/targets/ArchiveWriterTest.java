package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.MediaInfo;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.Promise;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongUnaryOperator;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The archive's writer on its own, fed real encoder output (FLV files made by ffmpeg, read tag by tag): which files
 * it starts, and what it does when the disk or the queue cannot take more.
 */
class ArchiveWriterTest {

    private static final long MB = 1024 * 1024;

    @TempDir
    static Path sources;
    @TempDir
    Path dir;

    private static Path wide;
    private static Path small;
    private final List<Thread> threads = new ArrayList<>();

    @BeforeAll
    static void encode() {
        wide = FfmpegPublisher.builder().size(640, 360).fps(30).gopSeconds(1).duration(Duration.ofSeconds(4))
                .writeFlv(sources.resolve("wide.flv"));
        small = FfmpegPublisher.builder().size(320, 180).fps(30).gopSeconds(1).duration(Duration.ofSeconds(3))
                .writeFlv(sources.resolve("small.flv"));
    }

    @AfterEach
    void joinThreads() throws InterruptedException {
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    @Test
    void aChangeOfCodecSettingsMidStreamStartsANewFile() throws Exception {
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, 0, 64 * MB));
        long end = feed(writer, wide, ts -> ts);
        feed(writer, small, ts -> ts + end + 33); // a failover to an encoder with other settings: time goes on
        stop(writer);

        List<Path> files = files();
        assertThat(files).hasSize(2);
        assertThat(Ffprobe.probe(files.get(0)).video().width()).isEqualTo(640);
        assertThat(Ffprobe.probe(files.get(1)).video().width()).isEqualTo(320);
        for (Path f : files) {
            assertThat(Ffprobe.decodeErrors(f)).as(f.toString()).isEmpty();
        }
    }

    @Test
    void timestampsThatStartOverStartANewFile() throws Exception {
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, 0, 64 * MB));
        feed(writer, wide, ts -> ts);
        feed(writer, wide, ts -> ts); // a new publisher spliced in without an end: its clock starts at 0 again
        stop(writer);

        List<Path> files = files();
        assertThat(files).hasSize(2);
        for (Path f : files) {
            MediaInfo info = Ffprobe.probe(f);
            assertThat(info.durationSeconds()).as(f.toString()).isCloseTo(4.0, Offset.offset(0.5));
            assertThat(Ffprobe.decodeErrors(f)).as(f.toString()).isEmpty();
        }
    }

    @Test
    void audioThatOverlapsWhatTheFileHasIsDroppedNotSqueezedIn() throws Exception {
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, 0, 64 * MB));
        long end = feed(writer, wide, ts -> ts);
        // An input switch whose audio starts a second before the end of what was written.
        feed(writer, wide, ts -> ts + end - 1_000, kind -> kind == MediaPacket.Kind.AUDIO);
        stop(writer);

        MediaInfo once = Ffprobe.probe(wide);
        MediaInfo got = Ffprobe.probe(files().get(0));
        int overlapping = (int) Math.round(0.9 * 48_000 / 1024); // the first 0.9 s of the second pass
        assertThat(got.audio().packets()).as("audio packets (the source has %d)", once.audio().packets())
                .isBetween(2 * once.audio().packets() - overlapping - 3, 2 * once.audio().packets() - overlapping + 3);
        assertThat(Ffprobe.decodeErrors(files().get(0))).isEmpty();
    }

    @Test
    void hevcOverEnhancedRtmpIsRecorded() throws Exception {
        Path hevc = FfmpegPublisher.builder().size(640, 360).fps(30).gopSeconds(1).duration(Duration.ofSeconds(3))
                .videoCodec("hevc").writeFlv(sources.resolve("hevc.flv"));
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, 0, 64 * MB));
        feed(writer, hevc, ts -> ts);
        stop(writer);

        Path file = files().get(0);
        MediaInfo info = Ffprobe.probe(file);
        assertThat(info.video().codec()).isEqualTo("hevc");
        assertThat(info.video().frames()).isEqualTo(90);
        assertThat(info.audio().codec()).isEqualTo("aac");
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void av1FailsTheArchiveWithWhatToDo() throws Exception {
        Path av1 = FfmpegPublisher.builder().size(320, 180).fps(30).gopSeconds(1).duration(Duration.ofSeconds(2))
                .videoCodec("av1").writeFlv(sources.resolve("av1.flv"));
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, 0, 64 * MB));
        feed(writer, av1, ts -> ts);

        await().atMost(Duration.ofSeconds(10)).until(() -> writer.health(spec()).state() == TargetState.FAILED);
        assertThat(writer.health(spec()).lastError()).isEqualTo("the archive records H.264 and HEVC video in MPEG-TS; "
                + "this rendition carries AV1: give the archive a transcoded rendition");
        stop(writer);
        assertThat(files()).isEmpty();
    }

    @Test
    void aWriterThatTakesNothingDropsWholeGopsAndNeverMakesTheLoopWait() throws Exception {
        long bound = 200 * 1024;
        ArchiveWriter writer = new ArchiveWriter("rec", settings(Long.MAX_VALUE / 2, 0, bound));
        writer.signal(ArchiveWriter.Signal.ENABLE);

        // No thread takes from the queue: a disk stuck for good.
        long start = System.nanoTime();
        feed(writer, wide, ts -> ts);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertThat(millis).as("ms to offer 4 s of media").isLessThan(1_000);
        assertThat(writer.queuedBytes()).isLessThanOrEqualTo(bound);
        TargetHealth h = writer.health(spec());
        assertThat(h.droppedFrames()).as("frames dropped").isPositive();
        // The disk answers again: what was kept is whole GOPs, and decodes cleanly.
        start(writer);
        writer.signal(ArchiveWriter.Signal.STREAM_END);
        stop(writer);
        Path file = files().get(0);
        assertThat(Ffprobe.probe(file).video().frames()).isLessThan(4 * 30);
        assertThat(Ffprobe.decodeErrors(file)).isEmpty();
    }

    @Test
    void aDirectoryThatIsGoneFailsTheTargetWithTheSystemsWords() throws Exception {
        Path gone = dir.resolve("gone");
        ArchiveWriter writer = new ArchiveWriter("rec", new ArchiveSettings(gone, 60_000, 0, 8_000, 64 * MB));
        start(writer);
        writer.signal(ArchiveWriter.Signal.ENABLE);
        feed(writer, wide, ts -> ts);

        await().atMost(Duration.ofSeconds(10)).until(() -> writer.health(spec()).state() == TargetState.FAILED);
        assertThat(writer.health(spec()).lastError()).isEqualTo("cannot write " + gone + ": No such file or directory");
        assertThat(writer.failed()).isTrue();
        stop(writer);
    }

    @Test
    void freeSpaceUnderMinFreeStopsTheArchiveBeforeItWrites() throws Exception {
        long free = Files.getFileStore(dir).getUsableSpace();
        ArchiveWriter writer = started(settings(Long.MAX_VALUE / 2, free + 1024 * MB, 64 * MB));
        feed(writer, wide, ts -> ts);

        await().atMost(Duration.ofSeconds(10)).until(() -> writer.health(spec()).state() == TargetState.FAILED);
        assertThat(writer.health(spec()).lastError()).startsWith("disk nearly full: ").contains(dir.toString())
                .contains("(minFreeMB)");
        stop(writer);
        assertThat(files()).isEmpty();
    }

    private ArchiveSettings settings(long segmentMillis, long minFree, long queueBytes) {
        return new ArchiveSettings(dir, segmentMillis, minFree, 8_000, queueBytes);
    }

    private static TargetSpec spec() {
        return new TargetSpec("rec", "archive", "source", "file:///x/", "file:///x/", null);
    }

    private ArchiveWriter started(ArchiveSettings settings) {
        ArchiveWriter writer = new ArchiveWriter("rec", settings);
        start(writer);
        writer.signal(ArchiveWriter.Signal.ENABLE);
        return writer;
    }

    private void start(ArchiveWriter writer) {
        Thread t = new Thread(writer, "archive-test");
        t.start();
        threads.add(t);
    }

    private static void stop(ArchiveWriter writer) throws InterruptedException {
        Promise<Void> done = ImmediateEventExecutor.INSTANCE.newPromise();
        writer.stop(done);
        assertThat(done.await(10, TimeUnit.SECONDS)).as("writer stopped").isTrue();
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    /** Offers every tag of {@code flv} with its timestamp mapped; returns the last timestamp offered. */
    private static long feed(ArchiveWriter writer, Path flv, LongUnaryOperator time) throws IOException {
        return feed(writer, flv, time, kind -> true);
    }

    private static long feed(ArchiveWriter writer, Path flv, LongUnaryOperator time,
                             Predicate<MediaPacket.Kind> kinds) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(flv));
        b.position(b.getInt(5)); // past the FLV header, whose size is at offset 5
        b.position(b.position() + 4); // PreviousTagSize0
        long last = 0;
        while (b.remaining() >= 11) {
            int type = b.get() & 0xff;
            int size = ((b.get() & 0xff) << 16) | ((b.get() & 0xff) << 8) | (b.get() & 0xff);
            long ts = ((b.get() & 0xffL) << 16) | ((b.get() & 0xffL) << 8) | (b.get() & 0xffL);
            ts |= (b.get() & 0xffL) << 24; // TimestampExtended
            b.position(b.position() + 3); // stream id
            byte[] body = new byte[size];
            b.get(body);
            b.position(b.position() + 4); // PreviousTagSize
            MediaPacket.Kind kind = switch (type) {
                case 8 -> MediaPacket.Kind.AUDIO;
                case 9 -> MediaPacket.Kind.VIDEO;
                default -> MediaPacket.Kind.DATA;
            };
            if (!kinds.test(kind)) {
                continue;
            }
            last = time.applyAsLong(ts);
            MediaPacket p = MediaPacket.of(kind, last, Unpooled.wrappedBuffer(body));
            try {
                writer.offer(p);
            } finally {
                p.release();
            }
        }
        return last;
    }
}
