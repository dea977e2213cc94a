package dev.castrelay.transcoder;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;

import static org.bytedeco.ffmpeg.global.avfilter.*;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

/**
 * A configured libavfilter graph with one source and one sink, written in the CLI's filter syntax so it reads
 * (and performs) exactly like {@code ffmpeg -vf}/{@code -af}. The description names its source {@code @src} and its
 * sink {@code @sink}, e.g. {@code buffer@src=...,scale=640:360,buffersink@sink}.
 *
 * <p>Owned by one thread (the rendition's): not thread-safe.
 */
final class FilterGraph implements AutoCloseable {

    private final String description;
    private final AVFilterGraph graph;
    private final AVFilterContext source;
    private final AVFilterContext sink;

    FilterGraph(String description) {
        this.description = description;
        this.graph = avfilter_graph_alloc();
        try {
            TranscoderException.check(avfilter_graph_parse_ptr(graph, description, (AVFilterInOut) null,
                    (AVFilterInOut) null, null), "parsing filter graph '" + description + "'");
            TranscoderException.check(avfilter_graph_config(graph, null), "configuring filter graph '" + description + "'");
            source = find("src");
            sink = find("sink");
        } catch (RuntimeException e) {
            avfilter_graph_free(graph);
            throw e;
        }
    }

    private AVFilterContext find(String name) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < graph.nb_filters(); i++) {
            AVFilterContext ctx = graph.filters(i);
            String n = ctx.name().getString();
            // The parser names an instance "filter@name"; older FFmpeg kept the whole token, newer only the part after @.
            if (n.equals(name) || n.endsWith("@" + name)) {
                return ctx;
            }
            names.append(i == 0 ? "" : ", ").append(n);
        }
        throw new TranscoderException("filter graph '" + description + "' has no filter named @" + name + " (has "
                + names + ")");
    }

    /** Feeds a frame, taking over its references (the frame is left blank for the caller to free). */
    void push(AVFrame frame) {
        TranscoderException.check(av_buffersrc_add_frame_flags(source, frame, 0), "feeding filter graph");
    }

    /** Moves the next filtered frame into {@code out}; false when the graph needs more input. */
    boolean pull(AVFrame out) {
        int ret = av_buffersink_get_frame(sink, out);
        if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
            return false;
        }
        TranscoderException.check(ret, "reading filter graph");
        return true;
    }

    /** The graph's output time base (the source's time base as the filters changed it). */
    org.bytedeco.ffmpeg.avutil.AVRational outputTimeBase() {
        return av_buffersink_get_time_base(sink);
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }

    @Override
    public String toString() {
        return description;
    }
}
