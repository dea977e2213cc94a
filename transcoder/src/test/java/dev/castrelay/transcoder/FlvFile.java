package dev.castrelay.transcoder;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads an FLV file's tags as MediaPackets (FLV spec v10.1, annex E.2-E.3): just enough for tests. */
final class FlvFile {

    private FlvFile() {
    }

    /** Every audio, video and script tag, in file order; the caller owns (and releases) each packet. */
    static List<MediaPacket> read(Path file) throws IOException {
        List<MediaPacket> packets = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file); DataInputStream in = new DataInputStream(raw)) {
            byte[] signature = in.readNBytes(3);
            if (!"FLV".equals(new String(signature, java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new IOException(file + " is not an FLV file");
            }
            in.readUnsignedByte(); // version
            in.readUnsignedByte(); // flags
            int dataOffset = in.readInt();
            in.skipNBytes(dataOffset - 9);
            in.readInt(); // PreviousTagSize0
            while (true) {
                int type;
                try {
                    type = in.readUnsignedByte();
                } catch (EOFException e) {
                    break;
                }
                int size = readUInt24(in);
                long ts = readUInt24(in) | ((long) in.readUnsignedByte() << 24);
                readUInt24(in); // stream id
                byte[] body = in.readNBytes(size);
                in.readInt(); // PreviousTagSize
                MediaPacket.Kind kind = switch (type & 0x1f) {
                    case 8 -> MediaPacket.Kind.AUDIO;
                    case 9 -> MediaPacket.Kind.VIDEO;
                    case 18 -> MediaPacket.Kind.DATA;
                    default -> null;
                };
                if (kind != null && body.length == size) {
                    packets.add(MediaPacket.of(kind, ts, Unpooled.wrappedBuffer(body)));
                }
            }
        }
        return packets;
    }

    private static int readUInt24(DataInputStream in) throws IOException {
        return (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    }
}
