package dev.castrelay.relay.transcode;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tags of an FLV file (FLV spec 10.1, E.4): a 9-byte header, then tags of 11 header bytes, body and a 4-byte
 * previous-tag size. Enough to replay what ffmpeg wrote as RTMP media messages.
 */
public final class FlvFile {

    /** One tag: its kind, its timestamp (ms) and its body, an RTMP message payload as it stands. */
    public record Tag(MediaPacket.Kind kind, long timestamp, byte[] body) {

        /** A fresh packet holding a copy of the body; the caller owns it. */
        MediaPacket toPacket() {
            return MediaPacket.of(kind, timestamp, Unpooled.wrappedBuffer(body.clone()));
        }

        public boolean isAvcFrame() {
            return kind == MediaPacket.Kind.VIDEO && body.length > 5 && (body[0] & 0x0f) == MediaPacket.CODEC_AVC
                    && body[1] == 1;
        }

        public boolean isAacFrame() {
            return kind == MediaPacket.Kind.AUDIO && body.length > 2 && ((body[0] & 0xff) >> 4) == MediaPacket.SOUND_AAC
                    && body[1] == 1;
        }

        public boolean isKeyframe() {
            return kind == MediaPacket.Kind.VIDEO && ((body[0] & 0xff) >> 4) == 1;
        }
    }

    private FlvFile() {
    }

    public static List<Tag> read(Path file) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file));
            if (b.remaining() < 13 || b.get(0) != 'F' || b.get(1) != 'L' || b.get(2) != 'V') {
                throw new IllegalArgumentException(file + " is not an FLV file");
            }
            b.position(b.getInt(5) + 4); // header size, then PreviousTagSize0
            List<Tag> tags = new ArrayList<>();
            while (b.remaining() >= 11) {
                int type = b.get() & 0x1f;
                int size = medium(b);
                long timestamp = medium(b) | (long) (b.get() & 0xff) << 24;
                medium(b); // stream id, always 0
                if (b.remaining() < size + 4) {
                    break; // a truncated last tag
                }
                byte[] body = new byte[size];
                b.get(body);
                b.getInt();
                MediaPacket.Kind kind = switch (type) {
                    case 8 -> MediaPacket.Kind.AUDIO;
                    case 9 -> MediaPacket.Kind.VIDEO;
                    case 18 -> MediaPacket.Kind.DATA;
                    default -> null;
                };
                if (kind != null) {
                    tags.add(new Tag(kind, timestamp, body));
                }
            }
            return tags;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int medium(ByteBuffer b) {
        return (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff);
    }
}
