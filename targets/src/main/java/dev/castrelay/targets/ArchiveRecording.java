package dev.castrelay.targets;

import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Locale;

/**
 * The files of one archive: when one begins and ends, and the timestamps inside it. A file starts at a keyframe
 * (at any audio frame of an audio-only stream) with the codec configurations last seen, and ends after
 * {@code segmentMillis} of media (at the next keyframe), when a codec configuration changes (a failover to an
 * encoder with other settings), when time runs backwards (a new publisher's clock), or when told to. Timestamps in a
 * file count from its first keyframe and always rise, as the muxer requires.
 *
 * <p>Owned by the archive's writer thread: not thread-safe.
 */
final class ArchiveRecording {

    private static final Logger log = LoggerFactory.getLogger(ArchiveRecording.class);
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'",
            Locale.ROOT).withZone(ZoneOffset.UTC);
    /** A timestamp this far behind the last one is a new timeline (a new publisher), not jitter. */
    private static final long BACKWARDS_MILLIS = 1_000;
    /** Audio this far behind the last audio written overlaps it: dropped, not squeezed in after it. */
    private static final long AUDIO_OVERLAP_MILLIS = 100;

    private final String id;
    private final ArchiveSettings settings;
    private final DiskSpace disk;

    private TsSegment segment;
    private Path currentFile;
    private VideoCodec videoCodec;
    private byte[] videoConfig;
    private byte[] audioConfig;
    /** The stream timestamp the open file's time 0 is. */
    private long base;
    private long lastVideoDts;
    private long lastAudioDts;
    private long syncedBytes;
    /** Bytes of the files closed so far; the open file's are added from its own count. */
    private long closedBytes;

    ArchiveRecording(String id, ArchiveSettings settings) {
        this.id = id;
        this.settings = settings;
        this.disk = new DiskSpace(settings.directory(), settings.minFreeBytes());
    }

    boolean isOpen() {
        return segment != null;
    }

    /** The file being written or last tried, for messages; null before the first. */
    Path currentFile() {
        return currentFile;
    }

    /** Every byte written to every file. */
    long bytesWritten() {
        return closedBytes + (segment == null ? 0 : segment.bytesWritten());
    }

    /**
     * Writes {@code p} (or takes note of its codec configuration); returns whether it went into a file.
     *
     * @throws DiskSpace.Low            free space would fall under {@code minFreeMB}
     * @throws TsSegment.UnsupportedCodec the video is neither H.264 nor HEVC
     * @throws IOException              the disk refused a write
     */
    boolean write(MediaPacket p) throws IOException {
        if (p.isVideo()) {
            return video(p);
        }
        if (p.isAudio()) {
            return audio(p);
        }
        return false; // script data: the metadata has no place in MPEG-TS
    }

    private boolean video(MediaPacket p) throws IOException {
        ByteBuf b = p.payload();
        VideoTag tag = VideoTag.parse(b);
        if (tag == null || tag.codec() == null) {
            return false;
        }
        int from = b.readerIndex() + tag.dataOffset();
        if (tag.type() == VideoTag.Type.SEQUENCE_START) {
            byte[] record = ByteBufUtil.getBytes(b, from, b.writerIndex() - from);
            if (tag.codec() != videoCodec || !Arrays.equals(record, videoConfig)) {
                close(); // another encoder, or other settings: a file of their own
                videoCodec = tag.codec();
                videoConfig = record;
            }
            return false;
        }
        if (tag.type() != VideoTag.Type.CODED_FRAME || tag.codec() != videoCodec || b.writerIndex() <= from) {
            return false;
        }
        long ts = p.timestamp();
        if (segment != null && tag.keyframe() && (!segment.hasVideo() || ts - base >= settings.segmentMillis()
                || ts < lastVideoDts + base - BACKWARDS_MILLIS)) {
            close();
        }
        if (segment == null) {
            if (!tag.keyframe() || videoConfig == null) {
                return false; // a file starts at a keyframe
            }
            open(ts);
        }
        long dts = Math.max(ts - base, lastVideoDts + 1);
        long pts = Math.max(dts, ts - base + tag.compositionTime());
        disk.reserve(b.writerIndex() - from, bytesWritten());
        segment.writeVideo(b, from, b.writerIndex(), dts, pts, tag.keyframe());
        lastVideoDts = dts;
        return true;
    }

    private boolean audio(MediaPacket p) throws IOException {
        ByteBuf b = p.payload();
        int ri = b.readerIndex();
        if (p.soundFormat() != MediaPacket.SOUND_AAC || b.readableBytes() < 2) {
            return false;
        }
        if (b.getByte(ri + 1) == 0) { // AACPacketType 0: the AudioSpecificConfig
            byte[] asc = ByteBufUtil.getBytes(b, ri + 2, b.readableBytes() - 2);
            if (!Arrays.equals(asc, audioConfig)) {
                close();
                audioConfig = asc;
            }
            return false;
        }
        if (audioConfig == null || b.readableBytes() <= 2) {
            return false;
        }
        long ts = p.timestamp();
        if (segment != null && !segment.hasVideo() && (ts - base >= settings.segmentMillis()
                || ts < lastAudioDts + base - BACKWARDS_MILLIS)) {
            close();
        }
        if (segment == null) {
            if (videoConfig != null) {
                return false; // the file starts at the next keyframe
            }
            open(ts); // an audio-only stream
        }
        if (!segment.hasAudio() || ts < base) {
            return false; // before the keyframe the file starts at
        }
        if (ts - base < lastAudioDts - AUDIO_OVERLAP_MILLIS) {
            return false; // audio the file already has time for (an overlapping input switch): squeezed, it garbles
        }
        long dts = Math.max(ts - base, lastAudioDts + 1);
        disk.reserve(b.readableBytes() - 2, bytesWritten());
        segment.writeAudio(b, ri + 2, b.writerIndex(), dts);
        lastAudioDts = dts;
        return true;
    }

    private void open(long timestamp) throws IOException {
        disk.reserve(0, bytesWritten());
        currentFile = newFile();
        segment = TsSegment.create(currentFile, new TsSegment.Streams(videoCodec, videoConfig, audioConfig));
        base = timestamp;
        lastVideoDts = -1;
        lastAudioDts = -1;
        syncedBytes = 0;
        log.info("archive {}: recording to {}", id, currentFile);
    }

    /**
     * {@code <id>-<UTC start time>.ts}; a second file started within the same second gets {@code _2} (which sorts
     * after the first: '_' comes after '.').
     */
    private Path newFile() {
        String stem = id + "-" + FILE_TIME.format(Instant.now());
        Path file = settings.directory().resolve(stem + ".ts");
        for (int n = 2; Files.exists(file); n++) {
            file = settings.directory().resolve(stem + "_" + n + ".ts");
        }
        return file;
    }

    /** Puts what the open file holds on the disk itself, if anything was written since the last time. */
    void sync() throws IOException {
        if (segment != null && segment.bytesWritten() > syncedBytes) {
            segment.sync();
            syncedBytes = segment.bytesWritten();
        }
    }

    /** While a file is open: throws {@link DiskSpace.Low} once the free space is about to fall under the floor. */
    void checkSpace() throws IOException {
        if (segment != null) {
            disk.reserve(0, bytesWritten());
        }
    }

    /** The publish ended: its codec configurations go with it, and the next publish gets a file of its own. */
    void streamEnded() {
        close();
        videoCodec = null;
        videoConfig = null;
        audioConfig = null;
    }

    /** Finishes the open file, if any; it stays whole whatever the disk says now. */
    void close() {
        TsSegment s = segment;
        if (s == null) {
            return;
        }
        segment = null;
        try {
            s.close();
            log.info("archive {}: closed {} ({} bytes)", id, s.file(), s.bytesWritten());
        } catch (IOException e) {
            log.warn("archive {}: {} ends early: {}", id, s.file(), ArchiveWriter.reason(e));
        }
        closedBytes += s.bytesWritten(); // with what closing it wrote
    }
}
