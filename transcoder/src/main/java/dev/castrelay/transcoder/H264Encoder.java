package dev.castrelay.transcoder;

import dev.castrelay.config.VideoConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * libx264 for one rendition: constant frame rate (time base 1/fps, one tick per frame), CBR-like rate control
 * (maxrate = bitrate, one second of VBV buffer) and a fixed GOP: a keyframe exactly every fps * keyframeSeconds
 * frames, never on a scene cut, closed GOPs, because platforms reject streams whose keyframes wander.
 * A global header makes the SPS/PPS available up front for the FLV sequence header.
 *
 * <p>Owned by the rendition thread.
 */
final class H264Encoder implements AutoCloseable {

    private final AVCodecContext ctx;
    private final AVPacket packet = av_packet_alloc();
    private final AVRational frameRate;
    private final int gop;
    private final byte[] decoderConfigurationRecord;

    H264Encoder(VideoConfig v) {
        AVCodec codec = avcodec_find_encoder_by_name("libx264");
        if (codec == null) {
            throw new TranscoderException("this FFmpeg build has no libx264 encoder");
        }
        frameRate = av_d2q(v.fps(), 1_001_000);
        gop = (int) Math.round(v.fps() * v.keyframeSeconds());
        ctx = avcodec_alloc_context3(codec);
        ctx.width(v.width());
        ctx.height(v.height());
        ctx.pix_fmt(AV_PIX_FMT_YUV420P);
        ctx.sample_aspect_ratio(av_make_q(1, 1));
        ctx.framerate(frameRate);
        ctx.time_base(av_inv_q(frameRate));
        ctx.gop_size(gop);
        ctx.keyint_min(gop);
        ctx.bit_rate(v.bitrate());
        ctx.rc_max_rate(v.bitrate());
        ctx.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, v.bitrate()));
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        ctx.thread_count(0); // like the CLI: x264 picks its thread count
        av_opt_set(ctx.priv_data(), "preset", v.preset() == null ? "veryfast" : v.preset(), 0);
        av_opt_set(ctx.priv_data(), "profile", v.profile() == null ? "high" : v.profile(), 0);
        // scenecut=0: no extra keyframes, so the GOP is exactly keyint; open-gop=0: every keyframe is an IDR.
        av_opt_set(ctx.priv_data(), "x264-params", "scenecut=0:open-gop=0", 0);
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            close();
            TranscoderException.check(ret, "opening libx264 for " + v.width() + "x" + v.height() + "@" + v.fps());
        }
        byte[] extradata = new byte[ctx.extradata_size()];
        ctx.extradata().get(extradata);
        decoderConfigurationRecord = AvcFormat.decoderConfigurationRecord(extradata);
    }

    /** The encoder's time base: 1/fps (exactly, e.g. 1001/30000 for 29.97). */
    AVRational timeBase() {
        return ctx.time_base();
    }

    int gopFrames() {
        return gop;
    }

    /** Frames by which decoding precedes presentation (B-frame reordering): the first dts is minus this. */
    int reorderDelay() {
        return ctx.has_b_frames();
    }

    byte[] decoderConfigurationRecord() {
        return decoderConfigurationRecord;
    }

    /**
     * Encodes {@code frame} as output frame number {@code index} (or flushes, for null); every packet completed
     * goes to {@code out}, valid during the call.
     */
    void encode(AVFrame frame, long index, Consumer<AVPacket> out) {
        if (frame != null) {
            frame.pts(index);
            frame.pict_type(AV_PICTURE_TYPE_NONE); // the GOP is the encoder's, whatever the source's frame type
        }
        TranscoderException.check(avcodec_send_frame(ctx, frame), "encoding H.264");
        while (avcodec_receive_packet(ctx, packet) == 0) {
            try {
                out.accept(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    @Override
    public void close() {
        avcodec_free_context(ctx);
        av_packet_free(packet);
    }
}
