package dev.castrelay.rtmp.message;

import dev.castrelay.rtmp.RtmpException;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.amf.Amf0Writer;
import dev.castrelay.rtmp.chunk.RawMessage;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;

import java.util.ArrayList;
import java.util.List;

/**
 * Maps {@link RawMessage}s to {@link RtmpMessage} records and back. Stateless, so one instance serves every
 * channel. Media payloads are handed over, never copied.
 */
@ChannelHandler.Sharable
public final class MessageCodec extends MessageToMessageCodec<RawMessage, RtmpMessage> {

    public static final MessageCodec INSTANCE = new MessageCodec();

    /** Chunk stream ids we send on; separate ids keep audio and video headers compressible. */
    static final int CSID_CONTROL = 2;
    static final int CSID_COMMAND = 3;
    static final int CSID_AUDIO = 4;
    static final int CSID_DATA = 5;
    static final int CSID_VIDEO = 6;

    private MessageCodec() {
    }

    /** The chunk stream a kind of media travels on. */
    public static int chunkStreamOf(MediaPacket.Kind kind) {
        return switch (kind) {
            case AUDIO -> CSID_AUDIO;
            case VIDEO -> CSID_VIDEO;
            case DATA -> CSID_DATA;
        };
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, RawMessage raw, List<Object> out) {
        out.add(decode(raw));
    }

    /** Decodes one message; the caller keeps its reference to {@code raw}. */
    public static RtmpMessage decode(RawMessage raw) {
        ByteBuf p = raw.payload();
        int type = raw.typeId();
        switch (type) {
            case RtmpMessage.TYPE_SET_CHUNK_SIZE:
                need(p, 4, raw);
                return new SetChunkSize((int) (p.getUnsignedInt(p.readerIndex()) & 0x7FFFFFFF));
            case RtmpMessage.TYPE_ABORT:
                need(p, 4, raw);
                return new Abort((int) p.getUnsignedInt(p.readerIndex()));
            case RtmpMessage.TYPE_ACKNOWLEDGEMENT:
                need(p, 4, raw);
                return new Acknowledgement(p.getUnsignedInt(p.readerIndex()));
            case RtmpMessage.TYPE_WINDOW_ACK_SIZE:
                need(p, 4, raw);
                return new WindowAcknowledgementSize(p.getUnsignedInt(p.readerIndex()));
            case RtmpMessage.TYPE_SET_PEER_BANDWIDTH:
                need(p, 5, raw);
                return new SetPeerBandwidth(p.getUnsignedInt(p.readerIndex()), p.getUnsignedByte(p.readerIndex() + 4));
            case RtmpMessage.TYPE_USER_CONTROL: {
                need(p, 6, raw);
                int ri = p.readerIndex();
                long extra = p.readableBytes() >= 10 ? p.getUnsignedInt(ri + 6) : 0;
                return new UserControl(p.getUnsignedShort(ri), p.getUnsignedInt(ri + 2), extra);
            }
            case RtmpMessage.TYPE_COMMAND_AMF0:
                return command(raw, p.duplicate());
            case RtmpMessage.TYPE_COMMAND_AMF3: {
                // AMF3 command messages carry a format byte (0) and then AMF0 values: FMS and Wowza clients send it.
                ByteBuf body = p.duplicate();
                if (body.isReadable()) {
                    body.skipBytes(1);
                }
                return command(raw, body);
            }
            case RtmpMessage.TYPE_AUDIO:
                return media(raw, MediaPacket.Kind.AUDIO, 0);
            case RtmpMessage.TYPE_VIDEO:
                return media(raw, MediaPacket.Kind.VIDEO, 0);
            case RtmpMessage.TYPE_DATA_AMF0:
                return media(raw, MediaPacket.Kind.DATA, 0);
            case RtmpMessage.TYPE_DATA_AMF3:
                return media(raw, MediaPacket.Kind.DATA, Math.min(1, p.readableBytes()));
            default:
                return new UnknownMessage(type, raw.streamId(), p.readableBytes());
        }
    }

    private static RtmpMessage media(RawMessage raw, MediaPacket.Kind kind, int skip) {
        ByteBuf p = raw.payload();
        ByteBuf body = p.retainedSlice(p.readerIndex() + skip, p.readableBytes() - skip);
        return new MediaMessage(raw.streamId(), MediaPacket.of(kind, raw.timestamp(), body));
    }

    private static CommandMessage command(RawMessage raw, ByteBuf body) {
        List<Object> values = Amf0Reader.readAll(body);
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new RtmpException("command message without a name (" + values.size() + " AMF values)");
        }
        // FFmpeg's listen mode answers FCPublish with a bare "onFCPublish" (rtmpproto.c send_invoke_response):
        // a command without a transaction id is a notification, transaction 0.
        double tx = values.size() > 1 && values.get(1) instanceof Double d ? d : 0;
        Object commandObject = values.size() > 2 ? values.get(2) : null;
        List<Object> args = values.size() > 3 ? new ArrayList<>(values.subList(3, values.size())) : List.of();
        return new CommandMessage(raw.streamId(), name, tx, commandObject, args);
    }

    private static void need(ByteBuf p, int bytes, RawMessage raw) {
        if (p.readableBytes() < bytes) {
            throw new RtmpException("message type " + raw.typeId() + " needs " + bytes + " bytes, has "
                    + p.readableBytes());
        }
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, RtmpMessage msg, List<Object> out) {
        out.add(encode(ctx.alloc(), msg));
    }

    /** Encodes one message; a media message's packet reference moves into the result. */
    public static RawMessage encode(io.netty.buffer.ByteBufAllocator alloc, RtmpMessage msg) {
        // Java 17 has no pattern switch; the chain below covers every permitted subtype of the sealed interface.
        if (msg instanceof MediaMessage m) {
            MediaPacket packet = m.packet();
            int csid = chunkStreamOf(packet.kind());
            RawMessage raw = new RawMessage(csid, packet.timestamp(), packet.kind().messageType(), m.streamId(),
                    packet.payload().retainedDuplicate());
            packet.release();
            return raw;
        }
        if (msg instanceof CommandMessage m) {
            ByteBuf buf = alloc.buffer(128);
            Amf0Writer.writeAll(buf, m.name(), m.transactionId(), m.commandObject());
            for (Object arg : m.arguments()) {
                Amf0Writer.write(buf, arg);
            }
            return new RawMessage(CSID_COMMAND, 0, RtmpMessage.TYPE_COMMAND_AMF0, m.streamId(), buf);
        }
        if (msg instanceof SetChunkSize m) {
            return control(alloc, RtmpMessage.TYPE_SET_CHUNK_SIZE, 4).writeInt(m.chunkSize()).raw();
        }
        if (msg instanceof Abort m) {
            return control(alloc, RtmpMessage.TYPE_ABORT, 4).writeInt(m.chunkStreamId()).raw();
        }
        if (msg instanceof Acknowledgement m) {
            return control(alloc, RtmpMessage.TYPE_ACKNOWLEDGEMENT, 4).writeInt((int) m.sequenceNumber()).raw();
        }
        if (msg instanceof WindowAcknowledgementSize m) {
            return control(alloc, RtmpMessage.TYPE_WINDOW_ACK_SIZE, 4).writeInt((int) m.size()).raw();
        }
        if (msg instanceof SetPeerBandwidth m) {
            Control c = control(alloc, RtmpMessage.TYPE_SET_PEER_BANDWIDTH, 5).writeInt((int) m.size());
            c.buf.writeByte(m.limitType());
            return c.raw();
        }
        if (msg instanceof UserControl m) {
            boolean buffer = m.eventType() == UserControl.SET_BUFFER_LENGTH;
            Control c = control(alloc, RtmpMessage.TYPE_USER_CONTROL, buffer ? 10 : 6);
            c.buf.writeShort(m.eventType());
            c.writeInt((int) m.value());
            if (buffer) {
                c.writeInt((int) m.extra());
            }
            return c.raw();
        }
        throw new IllegalArgumentException("cannot send " + msg);
    }

    private static Control control(io.netty.buffer.ByteBufAllocator alloc, int type, int size) {
        return new Control(type, alloc.buffer(size, size));
    }

    /** A protocol control message being written: stream 0, chunk stream 2 (spec 5.4). */
    private record Control(int type, ByteBuf buf) {
        Control writeInt(int v) {
            buf.writeInt(v);
            return this;
        }

        RawMessage raw() {
            return new RawMessage(CSID_CONTROL, 0, type, 0, buf);
        }
    }
}
