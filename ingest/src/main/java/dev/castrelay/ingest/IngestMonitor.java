package dev.castrelay.ingest;

import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.media.AvcSequenceHeader;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.RateMeter;
import dev.castrelay.rtmp.media.VideoTag;
import io.netty.buffer.ByteBuf;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Watches the ingest stream for the health document: what the encoder says it sends (metadata, AAC config) and
 * what it really sends (frame rate, keyframe interval and bitrate measured over the last seconds). Fed by the
 * active ingest session, read by health snapshots: synchronized, both sides are cheap.
 */
public final class IngestMonitor {

    private static final Duration WINDOW = Duration.ofSeconds(5);
    private static final int[] AAC_RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};

    private IngestState state = IngestState.WAITING;
    private Instant since = Instant.now();
    private String videoCodec;
    private int width;
    private int height;
    private boolean sizeFromStream;
    private String audioCodec;
    private int sampleRate;
    private int channels;
    private final RateMeter meter;
    private final ArrayDeque<Long> keyframes = new ArrayDeque<>();

    public IngestMonitor() {
        this(System::nanoTime);
    }

    /** A monitor whose rates run on {@code nanoClock} (tests drive time by hand). */
    IngestMonitor(LongSupplier nanoClock) {
        meter = new RateMeter(WINDOW, nanoClock);
    }

    public synchronized void started() {
        state = IngestState.LIVE;
        since = Instant.now();
        sizeFromStream = false;
        meter.reset();
        keyframes.clear();
    }

    public synchronized void ended() {
        state = IngestState.LOST;
        since = Instant.now();
    }

    public synchronized void record(MediaPacket p) {
        meter.record(p.size(), p.isVideo() && !p.isSequenceHeader());
        if (p.isData()) {
            readMetadata(p.payload());
        } else if (p.isVideo()) {
            VideoTag tag = VideoTag.parse(p.payload());
            videoCodec = tag != null && tag.codec() != null ? tag.codec().id()
                    : p.videoCodecId() >= 0 ? "flv-codec-" + p.videoCodecId() : "unknown";
            AvcSequenceHeader.Size size = AvcSequenceHeader.size(p);
            if (size != null) {
                // The stream itself is the truth; metadata only fills in until its sequence header arrives.
                width = size.width();
                height = size.height();
                sizeFromStream = true;
            }
            if (p.isKeyframe() && !p.isSequenceHeader()) {
                keyframes.addLast(p.timestamp());
                while (keyframes.size() > 4) {
                    keyframes.pollFirst();
                }
            }
        } else if (p.isAudio()) {
            audioCodec = p.soundFormat() == MediaPacket.SOUND_AAC ? "aac" : "flv-sound-" + p.soundFormat();
            if (p.isSequenceHeader() && p.size() >= 4) {
                readAudioSpecificConfig(p.payload());
            }
        }
    }

    private void readMetadata(ByteBuf payload) {
        try {
            List<Object> values = Amf0Reader.readAll(payload.duplicate());
            if (!sizeFromStream && values.size() >= 2 && values.get(1) instanceof Map<?, ?> m) {
                width = intOf(m.get("width"), width);
                height = intOf(m.get("height"), height);
            }
        } catch (RuntimeException e) {
            // Metadata is advisory; a malformed one changes nothing we depend on.
        }
    }

    /** ISO 14496-3 AudioSpecificConfig: 5 bits object type, 4 bits rate index, 4 bits channel configuration. */
    private void readAudioSpecificConfig(ByteBuf p) {
        int ri = p.readerIndex() + 2;
        int bits = p.getUnsignedShort(ri);
        int rateIndex = (bits >> 7) & 0x0F;
        sampleRate = rateIndex < AAC_RATES.length ? AAC_RATES[rateIndex] : 0;
        channels = (bits >> 3) & 0x0F;
    }

    private static int intOf(Object v, int fallback) {
        return v instanceof Number n ? n.intValue() : fallback;
    }

    public synchronized IngestHealth health() {
        boolean live = state == IngestState.LIVE;
        double keyframeInterval = 0;
        if (keyframes.size() >= 2) {
            keyframeInterval = (keyframes.peekLast() - keyframes.peekFirst()) / 1000.0 / (keyframes.size() - 1);
        }
        IngestHealth.Video video = videoCodec == null ? null : new IngestHealth.Video(videoCodec, width, height,
                live ? round(meter.fps()) : 0, round(keyframeInterval));
        IngestHealth.Audio audio = audioCodec == null ? null
                : new IngestHealth.Audio(audioCodec, sampleRate, channels);
        return new IngestHealth(state, since, video, audio, live ? meter.bitrateKbps() : 0,
                null, null, List.of());
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
