package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * Brings decoded audio to the AAC encoder's terms: {@code aresample} to the rendition's rate, {@code aformat} to
 * planar float and its channel layout, {@code asetnsamples} to whole AAC frames. Rebuilt when the input rate, format
 * or layout changes (a new publisher), and by the rendition at every new ingest epoch so no samples from before an
 * outage leak after it. Output pts are in 1/outputRate.
 *
 * <p>Owned by the rendition thread.
 */
final class AudioFilter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AudioFilter.class);

    private final int rate;
    private final String layout;
    private final int frameSize;
    private FilterGraph graph;
    private int inRate;
    private int inFormat = -1;
    private String inLayout;

    AudioFilter(AudioConfig audio, int frameSize) {
        this.rate = audio.sampleRate();
        this.layout = defaultLayout(audio.channels());
        this.frameSize = frameSize;
    }

    /** Feeds {@code in} (pts in ms; its references are taken over). */
    void push(AVFrame in) {
        String l = describe(in.ch_layout());
        if (graph == null || in.sample_rate() != inRate || in.format() != inFormat || !l.equals(inLayout)) {
            rebuild(in.sample_rate(), in.format(), l);
        }
        graph.push(in);
    }

    /** The next whole AAC frame of samples, or false when more input is needed. */
    boolean pull(AVFrame out) {
        return graph != null && graph.pull(out);
    }

    /** Drops whatever the graph holds; the next frame builds a fresh one. */
    void reset() {
        close();
    }

    private void rebuild(int sampleRate, int format, String channelLayout) {
        close();
        inRate = sampleRate;
        inFormat = format;
        inLayout = channelLayout;
        String description = "abuffer@src=time_base=1/1000:sample_rate=" + sampleRate + ":sample_fmt="
                + av_get_sample_fmt_name(format).getString() + ":channel_layout=" + channelLayout
                + ",aresample=" + rate + ",aformat=sample_fmts=fltp:channel_layouts=" + layout
                + ",asetnsamples=n=" + frameSize + ":p=0,abuffersink@sink";
        graph = new FilterGraph(description);
        log.debug("Audio filter: {}", description);
    }

    /** FFmpeg's name of the default layout for a channel count ({@code mono}, {@code stereo}, ...). */
    static String defaultLayout(int channels) {
        try (AVChannelLayout l = new AVChannelLayout()) {
            av_channel_layout_default(l, channels);
            String s = describe(l);
            av_channel_layout_uninit(l);
            return s;
        }
    }

    static String describe(AVChannelLayout l) {
        try (BytePointer buf = new BytePointer(128)) {
            av_channel_layout_describe(l, buf, buf.capacity());
            return TranscoderException.cString(buf);
        }
    }

    @Override
    public void close() {
        if (graph != null) {
            graph.close();
            graph = null;
        }
    }
}
