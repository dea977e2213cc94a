package dev.castrelay.rtmp.interop;

import dev.castrelay.rtmp.media.MediaPacket;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Just enough FLV (Adobe FLV spec, annex E) to replay a file's tags as RTMP messages. */
final class FlvFile {

    /** One tag: its RTMP kind, timestamp and body (the FLV tag body is the RTMP message body). */
    record Tag(MediaPacket.Kind kind, long timestamp, byte[] body) {
    }

    private FlvFile() {
    }

    static List<Tag> read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        byte[] signature = new byte[3];
        in.get(signature);
        if (!Arrays.equals(signature, "FLV".getBytes())) {
            throw new IOException(file + " is not an FLV file");
        }
        in.position(in.getInt(5) + 4); // header length, then PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        while (in.remaining() >= 11) {
            int type = in.get() & 0xFF;
            int size = (in.get() & 0xFF) << 16 | (in.getShort() & 0xFFFF);
            long timestamp = (in.get() & 0xFFL) << 16 | (in.getShort() & 0xFFFFL) | (in.get() & 0xFFL) << 24;
            in.position(in.position() + 3); // stream id, always 0
            byte[] body = new byte[size];
            in.get(body);
            in.getInt(); // PreviousTagSize
            MediaPacket.Kind kind = switch (type) {
                case 8 -> MediaPacket.Kind.AUDIO;
                case 9 -> MediaPacket.Kind.VIDEO;
                case 18 -> MediaPacket.Kind.DATA;
                default -> throw new IOException("FLV tag type " + type + " in " + file);
            };
            tags.add(new Tag(kind, timestamp, body));
        }
        return tags;
    }
}
