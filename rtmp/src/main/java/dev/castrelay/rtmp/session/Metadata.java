package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.amf.Amf0Writer;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The {@code @setDataFrame} convention (FMLE, OBS, FFmpeg): a publisher sends {@code "@setDataFrame",
 * "onMetaData", {...}} and the server stores and forwards {@code "onMetaData", {...}}. Our packets hold the stored
 * form; publishing clients add the prefix back.
 */
public final class Metadata {

    public static final String SET_DATA_FRAME = "@setDataFrame";
    public static final String ON_METADATA = "onMetaData";

    private Metadata() {
    }

    /**
     * The metadata packet in a data message, or null when the message is something else (cue points, text).
     * The result has its own reference.
     */
    static MediaPacket fromDataMessage(MediaPacket wire, long timestamp) {
        ByteBuf body = wire.payload().duplicate();
        int start = body.readerIndex();
        Object first = Amf0Reader.read(body);
        if (SET_DATA_FRAME.equals(first)) {
            start = body.readerIndex();
            first = Amf0Reader.read(body);
        }
        if (!ON_METADATA.equals(first)) {
            return null;
        }
        ByteBuf p = wire.payload();
        return MediaPacket.of(MediaPacket.Kind.DATA, timestamp,
                p.retainedSlice(start, p.writerIndex() - start));
    }

    /** The body a publishing client sends for a stored metadata packet: {@code @setDataFrame} in front. */
    static ByteBuf toSetDataFrame(ByteBufAllocator alloc, MediaPacket metadata) {
        ByteBuf body = alloc.buffer(16 + metadata.size());
        Amf0Writer.write(body, SET_DATA_FRAME);
        body.writeBytes(metadata.payload(), metadata.payload().readerIndex(), metadata.size());
        return body;
    }
}
