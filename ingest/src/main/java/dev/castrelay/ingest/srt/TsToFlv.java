package dev.castrelay.ingest.srt;

import dev.castrelay.rtmp.WarningSummary;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVRational;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_HEVC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_CORRUPT;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

/**
 * The packets of an MPEG-TS program, demuxed by FFmpeg, as the media model's packets: its first H.264 or HEVC
 * stream and its first AAC stream, converted ({@link FlvVideo}, {@link FlvAudio}) and timed in milliseconds from the
 * first keyframe (90 kHz PTS/DTS: the timestamp is the DTS, the composition time PTS minus DTS). Nothing is
 * produced before a keyframe with its parameter sets, so the stream starts where a decoder can. A frame TS damaged
 * beyond what SRT could recover is skipped, and video then waits for the next keyframe: a held picture rather
 * than a smeared one. Other streams (subtitles, a second audio, data) are ignored, once logged.
 *
 * <p>One per connection, on its reader thread.
 */
final class TsToFlv {

    private final String input;
    private final int maxFrameBytes;
    private final WarningSummary warnings;
    private final Consumer<MediaPacket> out;
    private final Set<Integer> ignored = new HashSet<>();
    private int videoStream = -1;
    private int audioStream = -1;
    private FlvVideo video;
    private FlvAudio audio;
    /** The first keyframe's DTS in ms; the stream's time 0. */
    private long base;
    private boolean started;
    private boolean needKeyframe;
    private byte[] buffer = new byte[64 * 1024];
    /** The video frame being gathered (its PES pieces): {@code auSize} bytes, -1 when none. */
    private byte[] au = new byte[256 * 1024];
    private int auSize = -1;
    private long auDtsMs;
    private int auCompositionTime;
    private boolean auDamaged;
    private boolean auTooLarge;
    /**
     * Where the next audio frame starts (ms on the TS clock), for ADTS frames without a timestamp of their own: a PES
     * packet holding several gives its PTS to the first only. NaN before the first.
     */
    private double nextAudioMs = Double.NaN;

    /**
     * @param input         the input's name for the log, e.g. {@code SRT primary input}
     * @param maxFrameBytes larger frames are dropped (ingest.limits.maxMessageSize, as over RTMP)
     * @param out           receives each packet and its reference
     */
    TsToFlv(String input, int maxFrameBytes, WarningSummary warnings, Consumer<MediaPacket> out) {
        this.input = input;
        this.maxFrameBytes = maxFrameBytes;
        this.warnings = warnings;
        this.out = out;
    }

    /** One demuxed packet of {@code format}; the caller keeps (and unrefs) it. */
    void packet(AVFormatContext format, AVPacket pkt) {
        int index = pkt.stream_index();
        AVStream stream = format.streams(index);
        int codec = stream.codecpar().codec_id();
        boolean isVideo = codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC;
        if (isVideo && videoStream < 0) {
            videoStream = index;
            video = new FlvVideo(codec == AV_CODEC_ID_HEVC);
        } else if (codec == AV_CODEC_ID_AAC && audioStream < 0) {
            audioStream = index;
            audio = new FlvAudio();
        }
        if (index != videoStream && index != audioStream) {
            if (ignored.add(index)) {
                warnings.warn("{}: ignoring its stream {} ({}): the relay takes one H.264 or HEVC video and one AAC "
                        + "audio stream", input, index, avcodec_get_name(codec).getString());
            }
            return;
        }
        if (index == videoStream) {
            videoPacket(pkt, stream.time_base());
        } else {
            audioPacket(pkt, stream.time_base(), format);
        }
    }

    /**
     * A video PES, or a piece of one: FFmpeg's demuxer hands a PES larger than its buffer (200 KiB: a keyframe at a
     * high bitrate) over in pieces, only the first with the timestamps. The pieces are joined here, and the frame
     * is converted when the next one starts (or the stream ends).
     */
    private void videoPacket(AVPacket pkt, AVRational tb) {
        boolean damaged = (pkt.flags() & AV_PKT_FLAG_CORRUPT) != 0;
        long dts = pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : pkt.pts();
        if (dts != AV_NOPTS_VALUE) {
            flushVideo();
            long pts = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : dts;
            auSize = 0;
            auDtsMs = millis(dts, tb);
            auCompositionTime = (int) (millis(pts, tb) - auDtsMs);
            auDamaged = damaged;
            auTooLarge = false;
        } else if (auSize < 0) {
            warnings.warn("{}: a piece of a video frame whose start was lost was skipped", input);
            needKeyframe = true;
            return;
        } else {
            auDamaged |= damaged;
        }
        int size = pkt.size();
        if (auSize + size > maxFrameBytes) {
            auTooLarge = true;
            return;
        }
        if (au.length < auSize + size) {
            au = java.util.Arrays.copyOf(au, Math.max(auSize + size, au.length * 2));
        }
        pkt.data().get(au, auSize, size);
        auSize += size;
    }

    /** Converts the video frame gathered so far, if any. */
    private void flushVideo() {
        if (auSize < 0) {
            return;
        }
        int size = auSize;
        auSize = -1;
        if (auDamaged) {
            warnings.warn("{}: a damaged video frame (TS packets lost beyond what SRT recovered within its latency) "
                    + "was skipped; video resumes at the next keyframe", input);
            needKeyframe = true;
        } else if (auTooLarge) {
            warnings.warn("{}: a video frame exceeds the maximum {} bytes (ingest.limits.maxMessageSize); skipped",
                    input, maxFrameBytes);
            needKeyframe = true;
        } else {
            try {
                video(au, size, auDtsMs, auCompositionTime);
            } catch (IllegalArgumentException e) {
                warnings.warn("{}: an unreadable video frame was skipped: {}", input, e.getMessage());
                needKeyframe = true;
            }
        }
    }

    /** The stream ended: its last video frame is complete. */
    void finish() {
        flushVideo();
    }

    private void audioPacket(AVPacket pkt, AVRational tb, AVFormatContext format) {
        long dts = pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : pkt.pts();
        long dtsMs;
        if (dts != AV_NOPTS_VALUE) {
            dtsMs = millis(dts, tb);
        } else if (!Double.isNaN(nextAudioMs)) {
            dtsMs = Math.round(nextAudioMs); // it follows the previous frame
        } else {
            warnings.warn("{}: an audio frame without a timestamp was skipped", input);
            return;
        }
        if ((pkt.flags() & AV_PKT_FLAG_CORRUPT) != 0) {
            warnings.warn("{}: a damaged audio frame (TS packets lost beyond what SRT recovered within its latency) "
                    + "was skipped", input);
            audio.resendConfig();
            nextAudioMs = Double.NaN;
            return;
        }
        int size = pkt.size();
        if (size > maxFrameBytes) {
            warnings.warn("{}: an audio packet of {} bytes exceeds the maximum {} (ingest.limits.maxMessageSize); "
                    + "skipped", input, size, maxFrameBytes);
            return;
        }
        if (buffer.length < size) {
            buffer = new byte[Math.max(size, buffer.length * 2)];
        }
        pkt.data().get(buffer, 0, size);
        try {
            audio(buffer, size, dtsMs, format);
        } catch (IllegalArgumentException e) {
            warnings.warn("{}: an unreadable audio frame was skipped: {}", input, e.getMessage());
        }
    }

    private void video(byte[] data, int size, long dtsMs, int compositionTime) {
        FlvVideo.Tags tags = video.convert(data, size, compositionTime);
        if (!started) {
            if (!tags.keyframe() || !video.configured()) {
                return;
            }
            started = true;
            base = dtsMs;
        }
        long ts = dtsMs - base;
        if (ts < 0) {
            return;
        }
        if (tags.sequenceHeader() != null) {
            emit(MediaPacket.Kind.VIDEO, ts, tags.sequenceHeader());
        }
        if (tags.frame() == null || (needKeyframe && !tags.keyframe())) {
            return;
        }
        needKeyframe = false;
        emit(MediaPacket.Kind.VIDEO, ts, tags.frame());
    }

    private void audio(byte[] data, int size, long dtsMs, AVFormatContext format) {
        List<FlvAudio.Tag> tags = audio.convert(data, size);
        nextAudioMs = (Double.isNaN(nextAudioMs) || Math.abs(nextAudioMs - dtsMs) >= 1 ? dtsMs : nextAudioMs)
                + audio.lastPacketMillis();
        if (!started) {
            if (hasVideo(format)) {
                audio.resendConfig(); // the stream starts at the video's first keyframe, its audio config with it
                return;
            }
            started = true;
            base = dtsMs;
        }
        long ts = dtsMs - base;
        if (ts < 0) {
            audio.resendConfig();
            return;
        }
        for (FlvAudio.Tag t : tags) {
            emit(MediaPacket.Kind.AUDIO, ts + t.offsetMillis(), t.body());
        }
    }

    private static boolean hasVideo(AVFormatContext format) {
        for (int i = 0; i < format.nb_streams(); i++) {
            int codec = format.streams(i).codecpar().codec_id();
            if (codec == AV_CODEC_ID_H264 || codec == AV_CODEC_ID_HEVC) {
                return true;
            }
        }
        return false;
    }

    private void emit(MediaPacket.Kind kind, long timestamp, byte[] body) {
        out.accept(MediaPacket.of(kind, timestamp, Unpooled.wrappedBuffer(body)));
    }

    /** {@code ts} in {@code tb} units as milliseconds, rounded down. */
    static long millis(long ts, AVRational tb) {
        return Math.floorDiv(ts * 1000L * tb.num(), tb.den());
    }
}
