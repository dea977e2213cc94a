package dev.castrelay.transcoder;

import dev.castrelay.config.AudioVisual;
import dev.castrelay.config.SlateConfig;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.*;

/** The live audio drawn over the slate: where it draws, and that it follows the sound. */
class AudioScopeTest {

    private static final int W = 640;
    private static final int H = 360;

    @Test
    void wavesFollowTheSoundInTheBottomBandAndLeaveTheRestOfTheSlateAlone() {
        try (Slate slate = new Slate(new SlateConfig(null, "", 600), W, H);
             AudioScope scope = new AudioScope(AudioVisual.WAVES, 1600, 1)) {
            hear(scope, 0.0f);
            int[] silent = rows(scope.draw(slate.picture()));
            hear(scope, 0.8f);
            AVFrame loud = scope.draw(slate.picture());
            int[] sound = rows(loud);
            assertThat(rowsWithLight(silent)).as("silence: one flat line").isEqualTo(1);
            assertThat(rowsWithLight(sound)).as("a loud tone: a wave many rows high").isGreaterThan(40);
            for (int y = 0; y < H * 3 / 4; y++) {
                assertThat(sound[y]).as("row %d, above the band, is the slate's", y).isZero();
            }
            assertThat(luma(slate.picture(), 10, H - 40)).as("the slate itself is untouched").isLessThan(100);
        }
    }

    @Test
    void betweenDrawsTheLastDrawingIsShownAgain() {
        try (Slate slate = new Slate(new SlateConfig(null, "", 600), W, H);
             AudioScope scope = new AudioScope(AudioVisual.WAVES, 1600, 2)) {
            hear(scope, 0.0f);
            int flat = rowsWithLight(rows(scope.draw(slate.picture())));
            hear(scope, 0.8f);
            assertThat(rowsWithLight(rows(scope.draw(slate.picture())))).as("the picture between draws")
                    .isEqualTo(flat);
            assertThat(rowsWithLight(rows(scope.draw(slate.picture())))).as("the next draw").isGreaterThan(40);
        }
    }

    @Test
    void theMeterLightsMoreForALouderSound() {
        try (Slate slate = new Slate(new SlateConfig(null, "", 600), W, H);
             AudioScope scope = new AudioScope(AudioVisual.METER, 1600, 1)) {
            hear(scope, 0.01f);
            int quiet = rows(scope.draw(slate.picture()))[H * 3 / 4 + H / 10];
            hear(scope, 0.9f);
            int loud = rows(scope.draw(slate.picture()))[H * 3 / 4 + H / 10];
            assertThat(quiet).isGreaterThan(0);
            assertThat(loud).isGreaterThan(quiet + W / 4);
        }
    }

    private static void hear(AudioScope scope, float amplitude) {
        AVFrame f = tone(amplitude);
        try {
            scope.listen(f);
        } finally {
            av_frame_free(f);
        }
    }

    /** A 440 Hz tone of {@code amplitude}, 1600 samples of planar float stereo at 48 kHz. */
    private static AVFrame tone(float amplitude) {
        AVFrame f = av_frame_alloc();
        f.format(AV_SAMPLE_FMT_FLTP);
        f.nb_samples(1600);
        f.sample_rate(48_000);
        av_channel_layout_default(f.ch_layout(), 2);
        av_frame_get_buffer(f, 0);
        float[] samples = new float[1600];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = amplitude * (float) Math.sin(2 * Math.PI * 440 * i / 48_000.0);
        }
        for (int c = 0; c < 2; c++) {
            new FloatPointer(f.extended_data(c)).put(samples);
        }
        return f;
    }

    /** Per row, how many pixels are bright (luma over 200). */
    private static int[] rows(AVFrame picture) {
        int[] bright = new int[picture.height()];
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                bright[y] += luma(picture, x, y) > 200 ? 1 : 0;
            }
        }
        return bright;
    }

    private static int rowsWithLight(int[] rows) {
        int n = 0;
        for (int r : rows) {
            n += r > 0 ? 1 : 0;
        }
        return n;
    }

    private static int luma(AVFrame picture, int x, int y) {
        return picture.data(0).get((long) y * picture.linesize(0) + x) & 0xFF;
    }
}
