package dev.castrelay.relay.demo;

import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avfilter.AVFilterInOut;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import static org.bytedeco.ffmpeg.global.avfilter.*;

/**
 * A libavfilter graph that makes media out of nothing: a source filter ({@code testsrc2}, {@code sine}) and a sink
 * named {@code @sink}. This is what {@code ffmpeg -f lavfi -i testsrc2} runs, minus the lavfi input device, which
 * lives in libavdevice and drags in PulseAudio's client library: the demo must run on a machine with only a JDK.
 *
 * <p>Owned by the encoder thread: not thread-safe.
 */
final class PatternSource implements AutoCloseable {

    private final AVFilterGraph graph = avfilter_graph_alloc();
    private final AVFilterContext sink;

    /** @param description a filter chain in the CLI's syntax ending in {@code buffersink@sink} or {@code abuffersink@sink} */
    PatternSource(String description) {
        try {
            DemoException.check(avfilter_graph_parse_ptr(graph, description, (AVFilterInOut) null,
                    (AVFilterInOut) null, null), "parsing filter graph '" + description + "'");
            DemoException.check(avfilter_graph_config(graph, null), "configuring filter graph '" + description + "'");
            sink = sink(description);
        } catch (RuntimeException e) {
            avfilter_graph_free(graph);
            throw e;
        }
    }

    private AVFilterContext sink(String description) {
        for (int i = 0; i < graph.nb_filters(); i++) {
            AVFilterContext ctx = graph.filters(i);
            String name = ctx.name().getString();
            if (name.equals("sink") || name.endsWith("@sink")) {
                return ctx;
            }
        }
        throw new DemoException("filter graph '" + description + "' has no filter named @sink");
    }

    /** Moves the next frame into {@code out} (the caller unrefs it). A source filter never runs dry. */
    void next(AVFrame out) {
        DemoException.check(av_buffersink_get_frame(sink, out), "reading the test pattern");
    }

    AVRational timeBase() {
        return av_buffersink_get_time_base(sink);
    }

    @Override
    public void close() {
        avfilter_graph_free(graph);
    }
}
