package dev.castrelay.transcoder;

import dev.castrelay.config.SlateConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/** The slate picture on the real natives. */
class SlateTest {

    @Test
    void aConfiguredImageIsDecodedAndFittedToTheRendition() throws Exception {
        Path png = Files.createDirectories(Path.of("target", "test-media")).resolve("slate.png");
        TestMedia.ffmpeg("-y", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=400x400", "-frames:v", "1",
                png.toString());

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

    private static int brightPixels(Slate slate) {
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
