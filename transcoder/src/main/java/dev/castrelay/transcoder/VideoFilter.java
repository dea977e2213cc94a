package dev.castrelay.transcoder;

import dev.castrelay.config.Fit;
import dev.castrelay.config.VideoConfig;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

/**
 * Fits decoded pictures into a rendition's frame: {@code scale} plus {@code crop} or {@code pad} (or a plain
 * stretch), ending in yuv420p, the encoder's format (no other pixel format on the way: a yuv420p ingest is
 * only scaled). The graph is rebuilt when the input size or format changes (a new publisher), so the encoder
 * behind it never sees a change.
 *
 * <p>Owned by the rendition thread.
 */
final class VideoFilter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(VideoFilter.class);

    private final int width;
    private final int height;
    private final Fit fit;
    private FilterGraph graph;
    private int inWidth;
    private int inHeight;
    private int inFormat = -1;

    VideoFilter(VideoConfig video) {
        this.width = video.width();
        this.height = video.height();
        this.fit = video.fit() == null ? Fit.PAD : video.fit();
    }

    /**
     * Scales {@code in} (pts in ms; its references are taken over) into {@code out}. Returns false if the graph
     * holds the frame back, which these stateless filters do not.
     */
    boolean fit(AVFrame in, AVFrame out) {
        if (graph == null || in.width() != inWidth || in.height() != inHeight || in.format() != inFormat) {
            rebuild(in);
        }
        graph.push(in);
        return graph.pull(out);
    }

    private void rebuild(AVFrame in) {
        close();
        inWidth = in.width();
        inHeight = in.height();
        inFormat = in.format();
        int sarNum = Math.max(1, in.sample_aspect_ratio().num());
        int sarDen = Math.max(1, in.sample_aspect_ratio().den());
        String description = "buffer@src=video_size=" + inWidth + "x" + inHeight + ":pix_fmt=" + inFormat
                + ":time_base=1/1000:pixel_aspect=" + sarNum + "/" + sarDen + "," + fitChain(fit, width, height)
                + ",format=pix_fmts=" + AV_PIX_FMT_YUV420P + ",buffersink@sink";
        graph = new FilterGraph(description);
        log.info("Video filter for {}x{} input: {}", inWidth, inHeight, description);
    }

    /** The CLI filter chain that fits any picture into {@code w}x{@code h} the given way. */
    static String fitChain(Fit fit, int w, int h) {
        return switch (fit) {
            case STRETCH -> "scale=" + w + ":" + h + ",setsar=1";
            case PAD -> "scale=" + w + ":" + h + ":force_original_aspect_ratio=decrease:force_divisible_by=2,"
                    + "pad=" + w + ":" + h + ":(ow-iw)/2:(oh-ih)/2:color=black,setsar=1";
            case CROP -> "scale=" + w + ":" + h + ":force_original_aspect_ratio=increase:force_divisible_by=2,"
                    + "crop=" + w + ":" + h + ",setsar=1";
        };
    }

    @Override
    public void close() {
        if (graph != null) {
            graph.close();
            graph = null;
        }
    }
}
