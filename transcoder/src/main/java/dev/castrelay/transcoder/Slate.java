package dev.castrelay.transcoder;

import dev.castrelay.config.Fit;
import dev.castrelay.config.SlateConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * The picture a rendition shows while the ingest is lost, made once at the rendition's size in yuv420p: the
 * configured image (decoded by FFmpeg, letterboxed), or else a dark card with the configured text drawn in memory
 * by Java2D ({@link SlateCard}; the bytedeco build lacks {@code drawtext}), or, with no fonts at all, plain. Making
 * a slate writes no file.
 *
 * <p>Owned by the rendition thread; the frame is encoded again and again with new timestamps.
 */
final class Slate implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Slate.class);
    private static final int CARD_RGB = 0x16181d;

    private final AVFrame picture;

    Slate(SlateConfig config, int width, int height) {
        AVFrame image = null;
        if (config != null && config.image() != null) {
            try {
                image = fromImage(config.image(), width, height);
            } catch (RuntimeException e) {
                log.warn("Slate image {} unusable ({}); showing a plain card instead", config.image(), e.getMessage());
            }
        }
        picture = image != null ? image : card(config == null ? null : config.text(), width, height);
    }

    /** The slate picture (yuv420p, the rendition's size). Do not free; the encoder may take refs to it. */
    AVFrame picture() {
        return picture;
    }

    private static AVFrame fromImage(String path, int width, int height) {
        return fitted(decodeImage(path), width, height);
    }

    /** {@code source} letterboxed to the rendition's size in yuv420p; frees {@code source}. */
    private static AVFrame fitted(AVFrame source, int width, int height) {
        try (FilterGraph g = new FilterGraph("buffer@src=video_size=" + source.width() + "x" + source.height()
                + ":pix_fmt=" + source.format() + ":time_base=1/1000:pixel_aspect=1/1,"
                + VideoFilter.fitChain(Fit.PAD, width, height) + ",format=pix_fmts=" + AV_PIX_FMT_YUV420P
                + ",buffersink@sink")) {
            g.push(source);
            return pullOne(g);
        } finally {
            av_frame_free(source);
        }
    }

    private static AVFrame decodeImage(String path) {
        AVFormatContext fmt = new AVFormatContext(null);
        TranscoderException.check(avformat_open_input(fmt, path, (AVInputFormat) null, (AVDictionary) null),
                "opening slate image " + path);
        AVCodecContext ctx = null;
        AVPacket pkt = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            TranscoderException.check(avformat_find_stream_info(fmt, (AVDictionary) null), "probing " + path);
            int stream = TranscoderException.check(av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1,
                    (AVCodec) null, 0), "finding a picture in " + path);
            AVCodec codec = avcodec_find_decoder(fmt.streams(stream).codecpar().codec_id());
            ctx = avcodec_alloc_context3(codec);
            avcodec_parameters_to_context(ctx, fmt.streams(stream).codecpar());
            TranscoderException.check(avcodec_open2(ctx, codec, (AVDictionary) null), "opening the decoder for " + path);
            while (av_read_frame(fmt, pkt) >= 0) {
                boolean ours = pkt.stream_index() == stream;
                if (ours) {
                    avcodec_send_packet(ctx, pkt);
                }
                av_packet_unref(pkt);
                if (ours && avcodec_receive_frame(ctx, frame) == 0) {
                    return frame;
                }
            }
            avcodec_send_packet(ctx, null);
            TranscoderException.check(avcodec_receive_frame(ctx, frame), "decoding " + path);
            return frame;
        } catch (RuntimeException e) {
            av_frame_free(frame);
            throw e;
        } finally {
            av_packet_free(pkt);
            if (ctx != null) {
                avcodec_free_context(ctx);
            }
            avformat_close_input(fmt);
        }
    }

    private static AVFrame card(String text, int width, int height) {
        if (text != null && !text.isBlank()) {
            AVFrame drawn = SlateCard.draw(text, width, height, CARD_RGB);
            if (drawn != null) {
                try {
                    AVFrame card = fitted(drawn, width, height);
                    log.info("Slate for {}x{}: dark card with text", width, height);
                    return card;
                } catch (RuntimeException e) {
                    log.debug("Slate text card unusable ({}); plain card", e.getMessage());
                }
            }
        }
        log.info("Slate for {}x{}: dark card{}", width, height,
                text == null || text.isBlank() ? "" : " without text (no font on this machine)");
        try (FilterGraph g = new FilterGraph("color@src=c=" + String.format("0x%06x", CARD_RGB) + ":s=" + width + "x"
                + height + ":r=1,format=pix_fmts=" + AV_PIX_FMT_YUV420P + ",buffersink@sink")) {
            return pullOne(g);
        }
    }

    private static AVFrame pullOne(FilterGraph g) {
        AVFrame out = av_frame_alloc();
        if (!g.pull(out)) {
            av_frame_free(out);
            throw new TranscoderException("slate filter graph produced no picture: " + g);
        }
        return out;
    }

    @Override
    public void close() {
        av_frame_free(picture);
    }
}
