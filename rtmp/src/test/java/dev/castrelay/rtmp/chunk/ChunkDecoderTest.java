package dev.castrelay.rtmp.chunk;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.chunk.ChunkCases.Msg;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.netty.buffer.UnpooledByteBufAllocator;

import static dev.castrelay.rtmp.chunk.ChunkCases.wire;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkDecoderTest {

    private static final ChunkLimits SMALL = new ChunkLimits(1024, 1000, 2, 4096, 4096);
    /** Messages up to 10 MiB once media is allowed, 300 bytes of unfinished messages before. */
    private static final ChunkLimits BUDGETED = new ChunkLimits(65536, 10 << 20, 64, 12 << 20, 300);

    static Stream<ChunkCases.Case> cases() {
        return ChunkCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesEachChunkSequenceIntoItsMessages(ChunkCases.Case c) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        ch.writeInbound(Bytes.pooled(c.wire()));

        assertThat(readAll(ch)).containsExactlyElementsOf(c.messages());
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void feedingOneByteAtATimeGivesTheSameMessages(ChunkCases.Case c) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        for (byte b : c.wire()) {
            ch.writeInbound(Bytes.pooled(new byte[] {b}));
        }

        assertThat(readAll(ch)).containsExactlyElementsOf(c.messages());
        assertThat(ch.finish()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bytesReceivedCountsEveryByteOfEveryChunk(ChunkCases.Case c) {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        ch.writeInbound(Bytes.pooled(c.wire()));
        readAll(ch);

        assertThat(decoder.bytesReceived()).isEqualTo(c.wire().length);
        ch.finish();
    }

    @Test
    void incompleteChunkIsNotCountedUntilItCompletes() {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        ch.writeInbound(Bytes.pooled(wire("03 000000 000004 14 00000000 'ab'")));

        assertThat(decoder.bytesReceived()).isZero();
        assertThat((Object) ch.readInbound()).isNull();
        ch.finish();
    }

    @Test
    void setChunkSizeChangesTheDecodersChunkSize() {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.DEFAULT);
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        ch.writeInbound(Bytes.pooled(wire("02 000000 000004 01 00000000 00001000")));
        readAll(ch);

        assertThat(decoder.chunkSize()).isEqualTo(4096);
        ch.finish();
    }

    @Test
    void partialMessageIsReleasedWhenTheChannelCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        ch.writeInbound(Bytes.pooled(wire("06 000000 0000C8 09 01000000", ChunkCases.slice(ChunkCases.P200, 0, 128))));

        assertThat(ch.finish()).isFalse(); // LeakGuard fails the test if the 200-byte partial buffer leaked
    }

    @Test
    void chunkSizeOverTheMaximumThrowsWithBothNumbers() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("02 000000 000004 01 00000000 00010001"))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("65537").hasMessageContaining("65536");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void chunkSizeZeroIsRefusedAsBelowTheMinimum() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("02 000000 000004 01 00000000 00000000"))))
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("chunk size 0").hasMessageContaining("minimum 1");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void messageLengthOverTheMaximumThrowsWithBothNumbers() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(SMALL));

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("06 000000 0003E9 09 01000000 00"))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("1001").hasMessageContaining("1000");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void messageLengthIsCheckedBeforeThePayloadArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(SMALL));

        // Only the header of the oversized message: refused now, not after buffering its payload.
        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("06 000000 0003E9 09 01000000"))))
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("1001").hasMessageContaining("1000");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void tooManyChunkStreamsThrowsWithBothNumbers() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(SMALL));
        ch.writeInbound(Bytes.pooled(wire("03 000000 000001 14 00000000 05 | 04 000000 000001 08 01000000 AF")));
        readAll(ch);

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("05 000000 000001 12 01000000 05"))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("count 3").hasMessageContaining("maximum 2");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void firstChunkOfAStreamThatIsNotType0Throws() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("44 000000 000001 08 AF"))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("chunk stream 4").hasMessageContaining("type 1");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void newLengthInTheMiddleOfAMessageThrowsLikeFfmpeg() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));
        ch.writeInbound(Bytes.pooled(wire("06 000000 0000C8 09 01000000", ChunkCases.slice(ChunkCases.P200, 0, 128))));

        // rtmppkt.c: "RTMP packet size mismatch" is an error (the unchecked case was CVE-2016-10191).
        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("46 000000 000004 09 'abcd'"))))
                .isInstanceOf(DecoderException.class)
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("length 4").hasMessageContaining("200-byte");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void sameLengthHeaderInTheMiddleOfAMessageContinuesIt() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));

        ch.writeInbound(Bytes.pooled(wire("06 000000 0000C8 09 01000000", ChunkCases.slice(ChunkCases.P200, 0, 128),
                "86 000000", ChunkCases.slice(ChunkCases.P200, 128, 200))));

        assertThat(readAll(ch)).containsExactly(Msg.of(6, 0, 9, 1, ChunkCases.P200));
        ch.finish();
    }

    @Test
    void announcedMessagesHoldOnlyWhatHasArrived() {
        ChunkDecoder decoder = new ChunkDecoder(BUDGETED);
        decoder.allowMedia();
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder);

        // The hostile peer's opening: on 60 chunk streams, a 10 MiB message announced and its first 128 bytes sent.
        for (int csid = 3; csid < 63; csid++) {
            ch.writeInbound(Bytes.pooled(wire(String.format("%02X 000000 9FFFFF 09 01000000", csid),
                    new byte[128])));
        }

        assertThat(decoder.bufferedBytes()).isEqualTo(60 * 128);
        assertThat(alloc.metric().usedHeapMemory()).as("bytes allocated for 7,680 received, 600 MiB announced")
                .isLessThan(64 * 1024);
        ch.finishAndReleaseAll();
    }

    @Test
    void beforeMediaIsAllowedUnfinishedMessagesMayHoldOnlyTheCommandBudget() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(BUDGETED));
        ch.writeInbound(Bytes.pooled(wire("06 000000 000C00 09 01000000", new byte[128])));
        ch.writeInbound(Bytes.pooled(wire("07 000000 000C00 09 01000000", new byte[128])));

        assertThatThrownBy(() -> ch.writeInbound(Bytes.pooled(wire("08 000000 000C00 09 01000000", new byte[128]))))
                .cause().isInstanceOf(ChunkException.class)
                .hasMessageContaining("384").hasMessageContaining("300").hasMessageContaining("before a publish");
        assertDiscardsEverythingAfterwards(ch);
    }

    @Test
    void onceMediaIsAllowedAMessageLargerThanTheCommandBudgetArrivesWhole() {
        ChunkDecoder decoder = new ChunkDecoder(BUDGETED);
        decoder.allowMedia();
        EmbeddedChannel ch = new EmbeddedChannel(decoder);

        ch.writeInbound(Bytes.pooled(wire("06 000000 0000C8 09 01000000", ChunkCases.slice(ChunkCases.P200, 0, 128),
                "C6", ChunkCases.slice(ChunkCases.P200, 128, 200))));

        assertThat(readAll(ch)).containsExactly(Msg.of(6, 0, 9, 1, ChunkCases.P200));
        assertThat(decoder.bufferedBytes()).isZero();
        ch.finish();
    }

    /** After a violation the decoder is BAD: a perfectly good chunk yields nothing. */
    private static void assertDiscardsEverythingAfterwards(EmbeddedChannel ch) {
        ch.writeInbound(Bytes.pooled(wire("03 000000 000001 14 00000000 05")));
        assertThat((Object) ch.readInbound()).isNull();
        ch.finishAndReleaseAll();
    }

    static List<Msg> readAll(EmbeddedChannel ch) {
        List<Msg> out = new ArrayList<>();
        for (RawMessage raw; (raw = ch.readInbound()) != null; ) {
            out.add(Msg.of(raw));
        }
        return out;
    }
}
