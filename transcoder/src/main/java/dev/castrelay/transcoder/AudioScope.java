package dev.castrelay.transcoder;

import dev.castrelay.config.AudioVisual;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * Draws the live audio over the slate while it stands in for a missing picture ({@code slate.audioVisual}): a
 * waveform or a level meter in the bottom quarter, in the luma plane only (white on the dark card), so viewers of
 * an audio-only broadcast see that it is live. Plain Java over the frame's bytes: a few hundred thousand byte writes
 * per picture at 720p, far cheaper than a filter graph per frame.
 *
 * <p>Owned by the rendition thread. The picture it returns is its own, reused, and made writable again whenever the
 * encoder still holds a reference to the last one.
 */
final class AudioScope implements AutoCloseable {

    private static final int WHITE = 235;
    private static final int TRACK = 48;
    private static final double FLOOR_DB = -60;
    /**
     * How often the visual moves: 15 times a second is a live waveform to the eye, and at 30 fps the encoder
     * spends its bits and cycles on half as many changed pictures (bench/audio-slate.sh).
     */
    static final double DRAWS_PER_SECOND = 15;

    private final AudioVisual style;
    private final float[] recent;
    private final float[] plane;
    private int filled;
    private AVFrame canvas;
    private final int picturesPerDraw;
    private int sinceDraw;

    /**
     * @param samplesPerPicture how many of the latest samples one picture shows (a frame's worth)
     * @param picturesPerDraw   draw anew every this many pictures, repeating the last drawing in between
     */
    AudioScope(AudioVisual style, int samplesPerPicture, int picturesPerDraw) {
        this.style = style;
        this.picturesPerDraw = Math.max(1, picturesPerDraw);
        this.recent = new float[Math.max(64, samplesPerPicture)];
        this.plane = new float[recent.length];
    }

    boolean enabled() {
        return style != AudioVisual.NONE;
    }

    /** Keeps the newest samples of {@code frame} (planar float, as the AAC encoder takes them), channels mixed. */
    void listen(AVFrame frame) {
        if (!enabled() || frame.format() != AV_SAMPLE_FMT_FLTP) {
            return;
        }
        int n = frame.nb_samples();
        int channels = frame.ch_layout().nb_channels();
        int take = Math.min(n, recent.length);
        // Slide what is kept to the left by what comes in.
        int keep = recent.length - take;
        System.arraycopy(recent, recent.length - keep, recent, 0, keep);
        for (int c = 0; c < channels; c++) {
            new FloatPointer(frame.extended_data(c)).position(n - take).get(plane, 0, take);
            for (int i = 0; i < take; i++) {
                recent[keep + i] = c == 0 ? plane[i] / channels : recent[keep + i] + plane[i] / channels;
            }
        }
        filled = Math.min(recent.length, filled + take);
    }

    /** The slate with the latest audio drawn on it (or the last drawing again, between draws). */
    AVFrame draw(AVFrame slate) {
        if (canvas != null && ++sinceDraw < picturesPerDraw) {
            return canvas;
        }
        sinceDraw = 0;
        if (canvas == null) {
            canvas = av_frame_alloc();
            canvas.format(slate.format());
            canvas.width(slate.width());
            canvas.height(slate.height());
            TranscoderException.check(av_frame_get_buffer(canvas, 0), "allocating the audio visual's picture");
        }
        TranscoderException.check(av_frame_make_writable(canvas), "making the audio visual's picture writable");
        TranscoderException.check(av_frame_copy(canvas, slate), "copying the slate");
        int w = canvas.width();
        int h = canvas.height();
        int stride = canvas.linesize(0);
        BytePointer luma = canvas.data(0);
        int top = h * 3 / 4;
        int band = h / 5;
        if (style == AudioVisual.METER) {
            drawMeter(luma, stride, w, top + band / 2, Math.max(4, h / 40));
        } else {
            drawWaves(luma, stride, w, top + band / 2, band / 2);
        }
        return canvas;
    }

    private void drawMeter(BytePointer luma, int stride, int w, int y, int thickness) {
        double sum = 0;
        for (int i = recent.length - filled; i < recent.length; i++) {
            sum += recent[i] * recent[i];
        }
        double rms = filled == 0 ? 0 : Math.sqrt(sum / filled);
        double db = rms <= 0 ? FLOOR_DB : Math.max(FLOOR_DB, 20 * Math.log10(rms));
        int left = w / 10;
        int width = w - 2 * left;
        int lit = (int) Math.round(width * (db - FLOOR_DB) / -FLOOR_DB);
        byte[] row = new byte[width];
        for (int x = 0; x < width; x++) {
            row[x] = (byte) (x < lit ? WHITE : TRACK);
        }
        for (int dy = 0; dy < thickness; dy++) {
            luma.position((long) (y + dy) * stride + left).put(row);
        }
        luma.position(0);
    }

    private void drawWaves(BytePointer luma, int stride, int w, int mid, int amplitude) {
        int previous = mid;
        byte white = (byte) WHITE;
        for (int x = 0; x < w; x++) {
            float s = filled == 0 ? 0 : recent[(int) ((long) x * recent.length / w)];
            int y = mid - Math.round(Math.max(-1f, Math.min(1f, s)) * amplitude);
            // A connected line: from the last column's height to this one's.
            int from = Math.min(previous, y);
            int to = Math.max(previous, y);
            for (int yy = from; yy <= to; yy++) {
                luma.put((long) yy * stride + x, white);
            }
            previous = y;
        }
    }

    @Override
    public void close() {
        if (canvas != null) {
            av_frame_free(canvas);
            canvas = null;
        }
    }
}
