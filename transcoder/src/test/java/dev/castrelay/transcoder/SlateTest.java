package dev.castrelay.transcoder;

import dev.castrelay.config.SlateConfig;
import dev.castrelay.testkit.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/** The slate picture on the real natives. */
class SlateTest {

    @Test
    void aConfiguredImageIsDecodedAndFittedToTheRendition() throws Exception {
        Path png = testImage();

        try (Slate slate = new Slate(new SlateConfig(png.toString(), "x", 600), 320, 180)) {
            assertThat(slate.picture().width()).isEqualTo(320);
            assertThat(slate.picture().height()).isEqualTo(180);
            assertThat(slate.picture().format()).isEqualTo(AV_PIX_FMT_YUV420P);
        }
    }

    @Test
    void aMissingImageFallsBackToTheCard() {
        try (Slate slate = new Slate(new SlateConfig("/nonexistent/slate.png", "x", 600), 240, 320)) {
            assertThat(slate.picture().width()).isEqualTo(240);
            assertThat(slate.picture().height()).isEqualTo(320);
            assertThat(slate.picture().format()).isEqualTo(AV_PIX_FMT_YUV420P);
        }
    }

    @Test
    void theCardCarriesTheConfiguredText() {
        try (Slate withText = new Slate(new SlateConfig(null, "We'll be right back", 600), 640, 360);
             Slate blank = new Slate(new SlateConfig(null, "", 600), 640, 360)) {
            assertThat(brightPixels(withText)).as("white text on the dark card").isGreaterThan(500);
            assertThat(brightPixels(blank)).isZero();
        }
    }

    /**
     * A JVM whose temp directory is private makes a text card and an image slate: nothing is created there, not even
     * a file deleted again at once (the watch sees creations, not just what is left).
     */
    @Test
    void makingASlateWritesNoFile(@TempDir Path tmp) throws Exception {
        Path png = testImage();
        try (WatchService watch = tmp.getFileSystem().newWatchService()) {
            tmp.register(watch, StandardWatchEventKinds.ENTRY_CREATE);

            Processes.run(Duration.ofSeconds(60), Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                    SlateMaker.class.getName(), png.toAbsolutePath().toString()).requireSuccess();

            WatchKey key = watch.poll(1, TimeUnit.SECONDS);
            List<String> created = key == null ? List.of()
                    : key.pollEvents().stream().map(e -> String.valueOf(e.context())).toList();
            assertThat(created).as("files created in java.io.tmpdir").isEmpty();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left).isEmpty();
            }
        }
    }

    private static Path testImage() throws Exception {
        Path png = Files.createDirectories(Path.of("target", "test-media")).resolve("slate.png");
        TestMedia.ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=400x400", "-frames:v", "1",
                png.toString());
        return png;
    }

    static int brightPixels(Slate slate) {
        var frame = slate.picture();
        var luma = frame.data(0);
        int bright = 0;
        for (int y = 0; y < frame.height(); y++) {
            for (int x = 0; x < frame.width(); x++) {
                if ((luma.get((long) y * frame.linesize(0) + x) & 0xFF) > 180) {
                    bright++;
                }
            }
        }
        return bright;
    }
}
