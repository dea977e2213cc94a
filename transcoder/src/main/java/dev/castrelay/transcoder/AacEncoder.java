package dev.castrelay.transcoder;

import dev.castrelay.config.AudioConfig;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.Pointer;

import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * FFmpeg's native AAC-LC encoder for one rendition (time base 1/sampleRate, planar float in). Its global header is
 * the AudioSpecificConfig of the FLV sequence header.
 *
 * <p>Owned by the rendition thread.
 */
final class AacEncoder implements AutoCloseable {

    private final AVCodecContext ctx;
    private final AVPacket packet = av_packet_alloc();
    private final byte[] audioSpecificConfig;

    AacEncoder(AudioConfig a) {
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        ctx = avcodec_alloc_context3(codec);
        ctx.sample_fmt(AV_SAMPLE_FMT_FLTP);
        ctx.sample_rate(a.sampleRate());
        av_channel_layout_default(ctx.ch_layout(), a.channels());
        ctx.bit_rate(a.bitrate());
        ctx.time_base(av_make_q(1, a.sampleRate()));
        ctx.flags(ctx.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        int ret = avcodec_open2(ctx, codec, (AVDictionary) null);
        if (ret < 0) {
            close();
            TranscoderException.check(ret, "opening the AAC encoder for " + a.sampleRate() + " Hz, " + a.channels() + " channels");
        }
        audioSpecificConfig = new byte[ctx.extradata_size()];
        ctx.extradata().get(audioSpecificConfig);
    }

    /** Samples per AAC frame (1024). */
    int frameSize() {
        return ctx.frame_size();
    }

    /** Priming samples the encoder puts before the first input sample (its first packet's pts is minus this). */
    int priming() {
        return ctx.initial_padding();
    }

    int sampleRate() {
        return ctx.sample_rate();
    }

    byte[] audioSpecificConfig() {
        return audioSpecificConfig;
    }

    /** Encodes {@code frame} starting at sample {@code position} (null flushes); packets go to {@code out}. */
    void encode(AVFrame frame, long position, Consumer<AVPacket> out) {
        if (frame != null) {
            frame.pts(position);
        }
        TranscoderException.check(avcodec_send_frame(ctx, frame), "encoding AAC");
        while (avcodec_receive_packet(ctx, packet) == 0) {
            try {
                out.accept(packet);
            } finally {
                av_packet_unref(packet);
            }
        }
    }

    /** A silent frame of {@link #frameSize()} samples in the encoder's format, owned by the caller. */
    AVFrame newSilentFrame() {
        AVFrame f = av_frame_alloc();
        f.format(AV_SAMPLE_FMT_FLTP);
        f.sample_rate(ctx.sample_rate());
        f.nb_samples(ctx.frame_size());
        av_channel_layout_copy(f.ch_layout(), ctx.ch_layout());
        TranscoderException.check(av_frame_get_buffer(f, 0), "allocating a silent audio frame");
        for (int ch = 0; ch < ctx.ch_layout().nb_channels(); ch++) {
            Pointer.memset(f.data(ch), 0, f.linesize(0)); // planar float: silence is all-zero bytes
        }
        return f;
    }

    @Override
    public void close() {
        avcodec_free_context(ctx);
        av_packet_free(packet);
    }
}
