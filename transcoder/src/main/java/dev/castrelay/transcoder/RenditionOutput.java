package dev.castrelay.transcoder;

import dev.castrelay.config.RenditionConfig;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;

/**
 * Turns a rendition's encoded packets into FLV tags for its targets: at each stream start the {@code onMetaData}
 * tag and both sequence headers, then interleaved media on the rendition's own millisecond clock.
 *
 * <p>Timestamps: encoders count from 0, but B-frame reordering makes the first video dts negative and the AAC
 * encoder's priming makes the first audio pts negative; both kinds are shifted by the same constant (as the FLV
 * muxer's {@code avoid_negative_ts} does) so the first tag is at or near 0 and audio stays in sync with video.
 *
 * <p>Owned by the rendition thread. The listener is called on that thread and must not block.
 */
final class RenditionOutput {

    private static final Logger log = LoggerFactory.getLogger(RenditionOutput.class);

    private final RenditionConfig config;
    private final MediaListener listener;
    private final HealthMeter meter;
    private final Interleaver interleaver = new Interleaver(this::deliver);
    private AVRational videoTimeBase;
    private int sampleRate;
    private long shiftMs;

    RenditionOutput(RenditionConfig config, MediaListener listener, HealthMeter meter) {
        this.config = config;
        this.listener = listener;
        this.meter = meter;
    }

    /** Begins a stream: metadata, then the AVC and AAC sequence headers, all at 0. */
    void start(H264Encoder video, AacEncoder audio, int audioPriming) {
        videoTimeBase = video.timeBase();
        sampleRate = audio.sampleRate();
        long videoDelayMs = Math.round(video.reorderDelay() * 1000.0 * videoTimeBase.num() / videoTimeBase.den());
        long audioDelayMs = Math.round(audioPriming * 1000.0 / sampleRate);
        shiftMs = Math.max(videoDelayMs, audioDelayMs);
        deliver(FlvTags.onMetaData(config));
        deliver(FlvTags.avcSequenceHeader(0, video.decoderConfigurationRecord()));
        deliver(FlvTags.aacSequenceHeader(0, audio.audioSpecificConfig()));
    }

    /** An H.264 packet (pts/dts in the encoder's 1/fps time base); valid only during the call. */
    void video(AVPacket pkt) {
        long dts = toMs(pkt.dts()) + shiftMs;
        long pts = toMs(pkt.pts()) + shiftMs;
        meter.onVideoFrame(pkt.size());
        interleaver.add(FlvTags.avcFrame(Math.max(0, dts), (int) (pts - dts), (pkt.flags() & AV_PKT_FLAG_KEY) != 0,
                nativeData(pkt)));
    }

    /** An AAC packet (pts in 1/sampleRate); valid only during the call. */
    void audio(AVPacket pkt) {
        long ts = Math.round(pkt.pts() * 1000.0 / sampleRate) + shiftMs;
        meter.onAudioBytes(pkt.size());
        interleaver.add(FlvTags.aacFrame(Math.max(0, ts), nativeData(pkt)));
    }

    /**
     * The packet's bytes where the encoder left them, wrapped, not copied: read once, into the FLV tag, during the
     * call (the encoder reuses the memory afterwards). Netty does not own that memory: releasing the wrapper would
     * free nothing, and an unpooled wrapper is not tracked by the leak detector, so it is left to the collector.
     */
    private static ByteBuf nativeData(AVPacket pkt) {
        if (pkt.size() == 0) {
            return Unpooled.EMPTY_BUFFER;
        }
        return Unpooled.wrappedBuffer(pkt.data().capacity(pkt.size()).asByteBuffer());
    }

    private long toMs(long ticks) {
        return Math.round(ticks * 1000.0 * videoTimeBase.num() / videoTimeBase.den());
    }

    /** Ends the stream: what is held goes out, then the targets hear {@code onStreamEnd}. */
    void end() {
        interleaver.flush();
        try {
            listener.onStreamEnd();
        } catch (RuntimeException e) {
            log.warn("Output of rendition {} failed at stream end", config.id(), e);
        }
    }

    /** Drops what is held (shutting down). */
    void discard() {
        interleaver.discard();
    }

    private void deliver(MediaPacket p) {
        try {
            listener.onPacket(p);
        } catch (RuntimeException e) {
            log.warn("Output of rendition {} failed on {}", config.id(), p, e);
        } finally {
            p.release();
        }
    }
}
