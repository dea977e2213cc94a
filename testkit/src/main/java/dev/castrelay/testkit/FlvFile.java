package dev.castrelay.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags of an FLV file (Adobe FLV spec 10.1, annex E): a header, then tags of 11 header bytes, a body and a
 * 4-byte previous-tag size. Enough to replay what ffmpeg wrote as RTMP media messages: an FLV tag's type is the
 * RTMP message type and its body the RTMP message body. On plain bytes, so that every module's tests can use it.
 */
public final class FlvFile {

    /** Tag type of audio, as the RTMP message type. */
    public static final int AUDIO = 8;
    /** Tag type of video, as the RTMP message type. */
    public static final int VIDEO = 9;
    /** Tag type of script data ({@code onMetaData}), as the RTMP message type (AMF0 data). */
    public static final int SCRIPT_DATA = 18;

    /** FLV video codec id of H.264, FLV sound format of AAC (legacy, non-enhanced FLV). */
    private static final int CODEC_AVC = 7;
    private static final int SOUND_AAC = 10;

    /**
     * One tag.
     *
     * @param type      {@link #AUDIO}, {@link #VIDEO} or {@link #SCRIPT_DATA}
     * @param timestamp milliseconds, with the extended byte
     * @param body      the tag body, an RTMP message payload as it stands; not copied: do not change it in place
     */
    public record Tag(int type, long timestamp, byte[] body) {

        public boolean isAudio() {
            return type == AUDIO;
        }

        public boolean isVideo() {
            return type == VIDEO;
        }

        public boolean isScriptData() {
            return type == SCRIPT_DATA;
        }

        /** A coded H.264 frame (not its sequence header) of legacy FLV. */
        public boolean isAvcFrame() {
            return isVideo() && body.length > 5 && (body[0] & 0x0f) == CODEC_AVC && body[1] == 1;
        }

        /** A raw AAC frame (not its AudioSpecificConfig). */
        public boolean isAacFrame() {
            return isAudio() && body.length > 2 && ((body[0] & 0xff) >> 4) == SOUND_AAC && body[1] == 1;
        }

        /** Video frame type 1 (a keyframe, or the sequence header that comes with one), legacy or enhanced. */
        public boolean isKeyframe() {
            if (!isVideo() || body.length < 1) {
                return false;
            }
            int b = body[0] & 0xff;
            return ((b & 0x80) != 0 ? (b >> 4) & 0x07 : b >> 4) == 1;
        }
    }

    private FlvFile() {
    }

    /**
     * Every audio, video and script-data tag, in file order. Tags of other types are skipped, and so is a last
     * tag cut short (a recording stopped mid-write).
     *
     * @throws UncheckedIOException when the file cannot be read, or is no FLV file
     */
    public static List<Tag> read(Path file) {
        ByteBuffer b;
        try {
            b = ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (b.remaining() < 13 || b.get(0) != 'F' || b.get(1) != 'L' || b.get(2) != 'V') {
            throw new UncheckedIOException(new IOException(file + " is not an FLV file"));
        }
        b.position(b.getInt(5) + 4); // the header's size, then PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        while (b.remaining() >= 11) {
            int type = b.get() & 0x1f; // the top bits are reserved and the filter flag
            int size = medium(b);
            long timestamp = medium(b) | (long) (b.get() & 0xff) << 24;
            medium(b); // stream id, always 0
            if (b.remaining() < size + 4) {
                break;
            }
            byte[] body = new byte[size];
            b.get(body);
            b.getInt(); // PreviousTagSize
            if (type == AUDIO || type == VIDEO || type == SCRIPT_DATA) {
                tags.add(new Tag(type, timestamp, body));
            }
        }
        return tags;
    }

    private static int medium(ByteBuffer b) {
        return (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff);
    }
}
