package dev.castrelay.rtmp.message;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.RtmpException;
import dev.castrelay.rtmp.chunk.RawMessage;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.EncoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    /** A raw message as the table writes it. */
    record Raw(int csid, long timestamp, int typeId, long streamId, String payload) {

        static Raw of(int csid, long timestamp, int typeId, long streamId, String bytes) {
            return new Raw(csid, timestamp, typeId, streamId, ByteBufUtil.hexDump(Bytes.of(bytes)));
        }

        static Raw of(RawMessage raw) {
            try {
                return new Raw(raw.chunkStreamId(), raw.timestamp(), raw.typeId(), raw.streamId(),
                        ByteBufUtil.hexDump(raw.payload()));
            } finally {
                raw.release();
            }
        }

        RawMessage toRaw() {
            return new RawMessage(csid, timestamp, typeId, streamId, Bytes.pooled(ByteBufUtil.decodeHexDump(payload)));
        }
    }

    record Case(String name, RtmpMessage message, Raw raw, boolean decodeOnly) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String CONNECT_AMF = "02 0007 'connect' 00 3FF0000000000000 03 0003 'app' 02 0004 'live' 0000 09";
    private static final String ON_STATUS_AMF = "02 0008 'onStatus' 00 0000000000000000 05"
            + " 03 0005 'level' 02 0005 'error' 0004 'code' 02 0019 'NetStream.Publish.BadName' 0000 09";

    static Stream<Case> cases() {
        return Stream.of(
                both("set chunk size", new SetChunkSize(4096), Raw.of(2, 0, 1, 0, "00001000")),
                both("abort", new Abort(6), Raw.of(2, 0, 2, 0, "00000006")),
                both("acknowledgement uses all 32 bits", new Acknowledgement(0xFFFFFFFFL), Raw.of(2, 0, 3, 0, "FFFFFFFF")),
                both("window acknowledgement size", new WindowAcknowledgementSize(5_000_000),
                        Raw.of(2, 0, 5, 0, "004C4B40")),
                both("set peer bandwidth", new SetPeerBandwidth(5_000_000, SetPeerBandwidth.DYNAMIC),
                        Raw.of(2, 0, 6, 0, "004C4B40 02")),
                both("user control stream begin", UserControl.streamBegin(1), Raw.of(2, 0, 4, 0, "0000 00000001")),
                both("user control set buffer length has ten bytes", new UserControl(UserControl.SET_BUFFER_LENGTH, 1, 3000),
                        Raw.of(2, 0, 4, 0, "0003 00000001 00000BB8")),
                both("user control ping request", new UserControl(UserControl.PING_REQUEST, 12345, 0),
                        Raw.of(2, 0, 4, 0, "0006 00003039")),
                both("user control ping response", UserControl.pingResponse(0xFFFFFFFFL),
                        Raw.of(2, 0, 4, 0, "0007 FFFFFFFF")),
                both("amf0 command", new CommandMessage(0, "connect", 1, map("app", "live"), List.of()),
                        Raw.of(3, 0, 20, 0, CONNECT_AMF)),
                both("amf0 command with null command object and an info argument",
                        new CommandMessage(1, "onStatus", 0, null,
                                List.of(map("level", "error", "code", "NetStream.Publish.BadName"))),
                        Raw.of(3, 0, 20, 1, ON_STATUS_AMF)),
                decodeOnly("amf3 command is a format byte and amf0 values",
                        new CommandMessage(0, "connect", 1, map("app", "live"), List.of()),
                        Raw.of(3, 0, 17, 0, "00 " + CONNECT_AMF)),
                decodeOnly("bare command name, as ffmpeg -listen sends onFCPublish, is transaction 0",
                        new CommandMessage(0, "onFCPublish", 0, null, List.of()),
                        Raw.of(3, 0, 20, 0, "02 000B 'onFCPublish'")),
                decodeOnly("aggregate messages are not acted on", new UnknownMessage(22, 1, 3),
                        Raw.of(8, 0, 22, 1, "010203")));
    }

    private static Case both(String name, RtmpMessage message, Raw raw) {
        return new Case(name, message, raw, false);
    }

    private static Case decodeOnly(String name, RtmpMessage message, Raw raw) {
        return new Case(name, message, raw, true);
    }

    static Stream<Case> encodable() {
        return cases().filter(c -> !c.decodeOnly());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesEachRawMessage(Case c) {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        ch.writeInbound(c.raw().toRaw());

        assertThat((Object) ch.readInbound()).isEqualTo(c.message());
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodable")
    void encodesEachMessage(Case c) {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        ch.writeOutbound(c.message());

        assertThat(Raw.of((RawMessage) ch.readOutbound())).isEqualTo(c.raw());
        assertThat(ch.finish()).isFalse();
    }

    static Stream<Object[]> media() {
        return Stream.of(
                new Object[] {MediaPacket.Kind.AUDIO, 4, 8, "AF 00 1210"},
                new Object[] {MediaPacket.Kind.VIDEO, 6, 9, "17 00 000000 0164001F"},
                new Object[] {MediaPacket.Kind.DATA, 5, 18, "02 000A 'onMetaData' 08 00000000 0000 09"});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("media")
    void decodesMediaWithTheWireTimestampAndPayload(MediaPacket.Kind kind, int csid, int type, String payload) {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        ch.writeInbound(Raw.of(csid, 0xFFFFFFF0L, type, 1, payload).toRaw());

        MediaMessage m = ch.readInbound();
        try {
            assertThat(m.streamId()).isEqualTo(1);
            assertThat(m.packet().kind()).isEqualTo(kind);
            assertThat(m.packet().timestamp()).isEqualTo(0xFFFFFFF0L);
            assertThat(Bytes.readable(m.packet().payload())).isEqualTo(Bytes.of(payload));
        } finally {
            m.packet().release();
        }
        ch.finish();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("media")
    void encodesMediaOnItsOwnChunkStream(MediaPacket.Kind kind, int csid, int type, String payload) {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        ch.writeOutbound(new MediaMessage(1, MediaPacket.of(kind, 40, Bytes.pooled(Bytes.of(payload)))));

        assertThat(Raw.of((RawMessage) ch.readOutbound())).isEqualTo(Raw.of(csid, 40, type, 1, payload));
        ch.finish();
    }

    @Test
    void amf3DataMessageLosesItsFormatByte() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        ch.writeInbound(Raw.of(5, 0, 15, 1, "00 02 000A 'onMetaData' 05").toRaw());

        MediaMessage m = ch.readInbound();
        try {
            assertThat(m.packet().kind()).isEqualTo(MediaPacket.Kind.DATA);
            assertThat(Bytes.readable(m.packet().payload())).isEqualTo(Bytes.of("02 000A 'onMetaData' 05"));
        } finally {
            m.packet().release();
        }
        ch.finish();
    }

    @Test
    void decodedMediaSharesTheChunkPayloadInsteadOfCopying() {
        RawMessage raw = Raw.of(6, 0, 9, 1, "17 01").toRaw();

        MediaMessage m = (MediaMessage) MessageCodec.decode(raw);
        raw.release(); // as the pipeline does after decoding

        assertThat(raw.refCnt()).as("the packet holds the chunk payload").isEqualTo(1);
        m.packet().release();
        assertThat(raw.refCnt()).isZero();
    }

    @Test
    void controlMessageShorterThanItsFieldsThrowsWithBothSizes() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        assertThatThrownBy(() -> ch.writeInbound(Raw.of(2, 0, 1, 0, "000010").toRaw()))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(RtmpException.class)
                .hasMessageContaining("needs 4 bytes, has 3");
    }

    @Test
    void commandWithoutANameThrows() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        assertThatThrownBy(() -> ch.writeInbound(Raw.of(3, 0, 20, 0, "00 3FF0000000000000").toRaw()))
                .cause().isInstanceOf(RtmpException.class)
                .hasMessageContaining("without a name");
    }

    @Test
    void malformedAmfInACommandThrowsAnRtmpException() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        assertThatThrownBy(() -> ch.writeInbound(Raw.of(3, 0, 20, 0, "02 0007 'conn'").toRaw()))
                .cause().isInstanceOf(RtmpException.class)
                .hasMessageContaining("truncated");
    }

    @Test
    void unknownMessagesCannotBeSent() {
        EmbeddedChannel ch = new EmbeddedChannel(MessageCodec.INSTANCE);

        assertThatThrownBy(() -> ch.writeOutbound(new UnknownMessage(22, 1, 3)))
                .isInstanceOf(EncoderException.class)
                .hasMessageContaining("cannot send");
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
