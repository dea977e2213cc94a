package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * The one decoder of an ingest: video (H.264, and HEVC, AV1 and VP9 over Enhanced RTMP) and AAC from FLV tag bodies
 * to raw frames (timestamps in ms). The video decoder is opened from the codec's configuration record (avcC, hvcC,
 * av1C, vpcC) and fed the frames as they come; the AAC decoder from the AudioSpecificConfig. A sequence header that differs from the current one (a new publisher with
 * another size, rate or profile) re-opens that decoder; the same header again (a replay) is ignored.
 *
 * <p>Owned by the decode thread: not thread-safe. Corrupt payloads are skipped with a log line; no decoding error
 * escapes.
 */
final class IngestDecoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestDecoder.class);

    private final AVPacket packet = av_packet_alloc();
    private final AVFrame frame = av_frame_alloc();
    private final ThrottledWarning corrupt = new ThrottledWarning(log);
    private final Consumer<AVFrame> videoSink;
    private final Consumer<AVFrame> audioSink;

    private AVCodecContext video;
    private VideoCodec videoCodec;
    private byte[] videoConfig;
    private AVCodecContext audio;
    private byte[] audioConfig;
    private boolean warnedUnsupported;
    /** Payloads skipped as corrupt and frames the decoders refused, since this decoder was made. */
    private long errors;

    /** The sinks get each decoded frame (pts in ms), valid only during the call: they ref what they keep. */
    IngestDecoder(Consumer<AVFrame> videoSink, Consumer<AVFrame> audioSink) {
        this.videoSink = videoSink;
        this.audioSink = audioSink;
    }

    /** Decodes one ingest packet; frames it completes go to the sinks. */
    void decode(MediaPacket p) {
        if (p.isVideo()) {
            decodeVideo(p);
        } else if (p.isAudio()) {
            decodeAudio(p);
        }
    }

    private void decodeVideo(MediaPacket p) {
        ByteBuf b = p.payload();
        int ri = b.readerIndex();
        VideoTag tag = VideoTag.parse(b);
        if (tag == null || tag.codec() == null) {
            warnUnsupported(tag == null ? "a video tag too short to read" : "a video codec it does not know");
            return;
        }
        int from = ri + tag.dataOffset();
        if (tag.type() == VideoTag.Type.SEQUENCE_START) {
            byte[] record = ByteBufUtil.getBytes(b, from, b.writerIndex() - from);
            if (tag.codec() != videoCodec || !Arrays.equals(record, videoConfig)) {
                drain(video, videoSink);
                video = reopen(video, codecId(tag.codec()), record, tag.codec().displayName());
                videoCodec = video == null ? null : tag.codec();
                videoConfig = video == null ? null : record;
            }
        } else if (tag.type() == VideoTag.Type.CODED_FRAME && video != null && tag.codec() == videoCodec
                && b.writerIndex() > from) {
            if (hasLengthPrefixedNalUnits(tag.codec()) && !AvcFormat.isWellFormedAvcc(b, from, b.writerIndex())) {
                errors++;
                corrupt.warn("Skipping corrupt {} packet at {} ms ({} bytes): NAL unit lengths do not match the "
                        + "payload", tag.codec().displayName(), p.timestamp(), p.size());
                return;
            }
            send(video, b, from, p.timestamp() + tag.compositionTime(), p.timestamp(), tag.keyframe(), videoSink,
                    tag.codec().displayName());
        }
    }

    /** FFmpeg's decoder for an ingest codec: each is in bytedeco's build (AV1 through libaom). */
    private static int codecId(VideoCodec codec) {
        return switch (codec) {
            case H264 -> AV_CODEC_ID_H264;
            case HEVC -> AV_CODEC_ID_HEVC;
            case AV1 -> AV_CODEC_ID_AV1;
            case VP9 -> AV_CODEC_ID_VP9;
        };
    }

    /** H.264 and HEVC frames are 4-byte length-prefixed NAL units (avcC/hvcC), which can be checked before FFmpeg. */
    private static boolean hasLengthPrefixedNalUnits(VideoCodec codec) {
        return codec == VideoCodec.H264 || codec == VideoCodec.HEVC;
    }

    private void decodeAudio(MediaPacket p) {
        ByteBuf b = p.payload();
        int ri = b.readerIndex();
        if (b.readableBytes() < FlvTags.AAC_HEADER_SIZE || p.soundFormat() != MediaPacket.SOUND_AAC) {
            warnUnsupported("sound format " + p.soundFormat());
            return;
        }
        int type = b.getUnsignedByte(ri + 1);
        if (type == FlvTags.AAC_SEQUENCE_HEADER) {
            byte[] asc = ByteBufUtil.getBytes(b, ri + FlvTags.AAC_HEADER_SIZE, b.readableBytes() - FlvTags.AAC_HEADER_SIZE);
            if (!Arrays.equals(asc, audioConfig)) {
                drain(audio, audioSink);
                audio = reopen(audio, AV_CODEC_ID_AAC, asc, "AAC");
                audioConfig = audio == null ? null : asc;
            }
        } else if (type == FlvTags.AAC_RAW && audio != null && b.readableBytes() > FlvTags.AAC_HEADER_SIZE) {
            send(audio, b, ri + FlvTags.AAC_HEADER_SIZE, p.timestamp(), p.timestamp(), true, audioSink, "AAC");
        }
    }

    private void send(AVCodecContext ctx, ByteBuf b, int from, long pts, long dts, boolean key,
                      Consumer<AVFrame> sink, String codec) {
        int size = b.writerIndex() - from;
        TranscoderException.check(av_new_packet(packet, size), "av_new_packet");
        b.getBytes(from, packet.data().capacity(size).asBuffer());
        packet.pts(pts);
        packet.dts(dts);
        packet.flags(key ? AV_PKT_FLAG_KEY : 0);
        int ret = avcodec_send_packet(ctx, packet);
        av_packet_unref(packet);
        if (ret < 0 && ret != AVERROR_EAGAIN()) {
            errors++;
            corrupt.warn("Skipping corrupt {} packet at {} ms ({} bytes): {}", codec, dts, size,
                    TranscoderException.describe(ret));
        }
        receive(ctx, sink, codec);
    }

    private void receive(AVCodecContext ctx, Consumer<AVFrame> sink, String codec) {
        while (true) {
            int ret = avcodec_receive_frame(ctx, frame);
            if (ret == AVERROR_EAGAIN() || ret == AVERROR_EOF) {
                return;
            }
            if (ret < 0) {
                errors++;
                corrupt.warn("{} decoder error, frame skipped: {}", codec, TranscoderException.describe(ret));
                return;
            }
            frame.pts(frame.best_effort_timestamp());
            try {
                sink.accept(frame);
            } finally {
                av_frame_unref(frame);
            }
        }
    }

    /**
     * Emits the frames the decoders still hold (the publisher left) and readies them for a continuation of the
     * same stream, which then waits for its next keyframe.
     */
    void drain() {
        drain(video, videoSink);
        drain(audio, audioSink);
    }

    private void drain(AVCodecContext ctx, Consumer<AVFrame> sink) {
        if (ctx == null) {
            return;
        }
        if (avcodec_send_packet(ctx, null) >= 0) {
            receive(ctx, sink, "drain");
        }
        avcodec_flush_buffers(ctx);
    }

    /** Forgets both decoders: the next publisher's sequence headers open new ones whatever they say. */
    void reset() {
        drain();
        closeDecoders();
    }

    private AVCodecContext reopen(AVCodecContext old, int codecId, byte[] extradata, String codec) {
        if (old != null) {
            avcodec_free_context(old);
        }
        AVCodec decoder = avcodec_find_decoder(codecId);
        AVCodecContext ctx = avcodec_alloc_context3(decoder);
        BytePointer ed = new BytePointer(av_mallocz(extradata.length + AV_INPUT_BUFFER_PADDING_SIZE));
        ed.put(extradata);
        ctx.extradata(ed);
        ctx.extradata_size(extradata.length);
        ctx.pkt_timebase(av_make_q(1, 1000));
        ctx.thread_count(0); // like the CLI: as many threads as the decoder finds useful
        int ret = avcodec_open2(ctx, decoder, (org.bytedeco.ffmpeg.avutil.AVDictionary) null);
        if (ret < 0) {
            errors++;
            corrupt.warn("Cannot open the {} decoder from the ingest's sequence header ({} bytes): {}; skipping until "
                    + "a usable one", codec, extradata.length, TranscoderException.describe(ret));
            avcodec_free_context(ctx);
            return null;
        }
        log.info("Opened the ingest {} decoder ({} bytes of codec configuration)", codec, extradata.length);
        return ctx;
    }

    /** Payloads skipped as corrupt, frames the decoders refused and sequence headers they could not open. */
    long errors() {
        return errors;
    }

    private void warnUnsupported(String what) {
        if (!warnedUnsupported) {
            warnedUnsupported = true;
            log.warn("Ingest carries {}, which the transcoder does not decode (H.264, HEVC, AV1 and VP9 video, AAC "
                    + "audio); ignoring it", what);
        }
    }

    private void closeDecoders() {
        if (video != null) {
            avcodec_free_context(video);
            video = null;
        }
        if (audio != null) {
            avcodec_free_context(audio);
            audio = null;
        }
        videoCodec = null;
        videoConfig = null;
        audioConfig = null;
    }

    @Override
    public void close() {
        closeDecoders();
        av_packet_free(packet);
        av_frame_free(frame);
    }
}
