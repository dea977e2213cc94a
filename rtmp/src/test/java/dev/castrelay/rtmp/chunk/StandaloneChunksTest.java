package dev.castrelay.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class StandaloneChunksTest {

    @ParameterizedTest
    @CsvSource({"0, 128", "1000, 4096", "5000, 4096", "16777216, 4096", "4294967295, 128", "100, 100"})
    void standaloneChunksDecodeToTheSameMessage(long timestamp, int length) {
        byte[] body = new byte[length];
        new Random(length).nextBytes(body);
        ByteBuf wire = ChunkEncoder.standalone(ByteBufAllocator.DEFAULT, 6, timestamp, 9, 1,
                Unpooled.wrappedBuffer(body), 128);
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));
        ch.writeInbound(wire);
        RawMessage m = ch.readInbound();
        try {
            assertThat(m.timestamp()).isEqualTo(timestamp & 0xFFFFFFFFL);
            assertThat(m.typeId()).isEqualTo(9);
            assertThat(m.streamId()).isEqualTo(1);
            assertThat(m.chunkStreamId()).isEqualTo(6);
            byte[] got = new byte[m.payload().readableBytes()];
            m.payload().getBytes(m.payload().readerIndex(), got);
            assertThat(got).isEqualTo(body);
        } finally {
            m.release();
            ch.finishAndReleaseAll();
        }
    }

    @Test
    void twoStandaloneMessagesInARowNeedNoSharedState() {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));
        for (long ts : new long[] {40, 80}) {
            ch.writeInbound(ChunkEncoder.standalone(ByteBufAllocator.DEFAULT, 4, ts, 8, 1,
                    Unpooled.wrappedBuffer(new byte[300]), 128));
            RawMessage m = ch.readInbound();
            assertThat(m.timestamp()).isEqualTo(ts);
            assertThat(m.payload().readableBytes()).isEqualTo(300);
            m.release();
        }
        ch.finishAndReleaseAll();
    }
}
