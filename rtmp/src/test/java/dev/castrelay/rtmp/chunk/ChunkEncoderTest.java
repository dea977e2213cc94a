package dev.castrelay.rtmp.chunk;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.chunk.ChunkCases.Msg;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.util.stream.Stream;

import static dev.castrelay.rtmp.chunk.ChunkCases.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkEncoderTest {

    static Stream<ChunkCases.Case> cases() {
        return ChunkCases.encodable();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void encodesEachMessageSequenceAsItsChunks(ChunkCases.Case c) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());

        for (Msg m : c.messages()) {
            ch.writeOutbound(m.toRaw());
        }

        assertThat(Bytes.hex(readAll(ch))).isEqualTo(Bytes.hex(c.wire()));
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void firstMessageOnAChunkStreamGetsAType0Header() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());

        ch.writeOutbound(Msg.of(7, 5, 9, 1, Bytes.of("17")).toRaw());

        assertThat(readAll(ch)[0] >> 6).isZero();
        ch.finish();
    }

    @Test
    void eachChunkStreamIsCompressedAgainstItsOwnPrevious() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());
        ch.writeOutbound(Msg.of(4, 0, 8, 1, Bytes.of("AF")).toRaw(), Msg.of(6, 0, 9, 1, Bytes.of("17")).toRaw());
        readAll(ch);

        ch.writeOutbound(Msg.of(4, 10, 8, 1, Bytes.of("AF")).toRaw());

        assertThat(readAll(ch)).isEqualTo(wire("84 00000A AF"));
        ch.finish();
    }

    @Test
    void chunkSizeSetOnTheEncoderAppliesToLaterMessages() {
        ChunkEncoder encoder = new ChunkEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);

        encoder.setChunkSize(256);
        ch.writeOutbound(Msg.of(6, 0, 9, 1, ChunkCases.P300).toRaw());

        assertThat(readAll(ch)).isEqualTo(wire("06 000000 00012C 09 01000000",
                ChunkCases.slice(ChunkCases.P300, 0, 256), "C6", ChunkCases.slice(ChunkCases.P300, 256, 300)));
        ch.finish();
    }

    @Test
    void chunkSizeBelowOneIsRefused() {
        assertThatThrownBy(() -> new ChunkEncoder().setChunkSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void bigPayloadIsSentAsACompositeOfHeadersAndPayloadSlices() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder());
        ByteBuf payload = Bytes.pooled(Bytes.counting(5000));
        payload.retain(); // ours, to look at after the encoder let go of the message's reference

        ch.writeOutbound(new RawMessage(6, 0, 9, 1, payload));
        ByteBuf out = ch.readOutbound();

        assertThat(out).isInstanceOf(CompositeByteBuf.class);
        assertThat(payload.refCnt()).as("slices hold the payload: nothing was copied").isGreaterThan(1);
        out.release();
        assertThat(payload.refCnt()).isEqualTo(1);
        payload.release();
        ch.finish();
    }

    @Test
    void compositeOutputDecodesBackToTheSameMessage() {
        ChunkEncoder encoder = new ChunkEncoder();
        EmbeddedChannel enc = new EmbeddedChannel(encoder);
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.DEFAULT);
        decoder.allowMedia(); // a 100 KB video message, as after a publish
        EmbeddedChannel dec = new EmbeddedChannel(decoder);
        byte[] payload = Bytes.counting(100_000);
        Msg big = Msg.of(6, 0x01234567L, 9, 1, payload); // extended timestamp on every continuation, too

        enc.writeOutbound(big.toRaw(), Msg.of(6, 0x01234567L + 40, 9, 1, payload).toRaw());
        for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
            dec.writeInbound(b);
        }

        assertThat(ChunkDecoderTest.readAll(dec)).containsExactly(big, Msg.of(6, 0x01234567L + 40, 9, 1, payload));
        enc.finish();
        dec.finish();
    }

    @Test
    void compositeOutputHonoursALargerChunkSize() {
        ChunkEncoder encoder = new ChunkEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(encoder);
        encoder.setChunkSize(4096);

        ch.writeOutbound(Msg.of(6, 0, 9, 1, Bytes.counting(5000)).toRaw());

        byte[] out = readAll(ch);
        assertThat(out).hasSize(12 + 4096 + 1 + 904);
        assertThat(out[12 + 4096] & 0xFF).as("one type 3 continuation").isEqualTo(0xC6);
        ch.finish();
    }

    /** Every outbound buffer's bytes, concatenated; each buffer released. */
    private static byte[] readAll(EmbeddedChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            out.writeBytes(Bytes.drain(b));
        }
        return out.toByteArray();
    }
}
