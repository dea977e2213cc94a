package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.chunk.ChunkLimits;
import dev.castrelay.rtmp.handshake.HandshakeCompleted;
import dev.castrelay.rtmp.message.MessageCodec;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MediaChunksTest {

    @ParameterizedTest
    @CsvSource({"40, 300", "40, 4096", "40, 4097", "80, 20000", "4294967295, 9000"})
    void aChunkedPacketHoldsOneCopyAndItsPayloadReadsTheSame(long timestamp, int length) {
        byte[] body = Bytes.counting(length);
        MediaPacket original = MediaPacket.of(MediaPacket.Kind.VIDEO, timestamp, Bytes.pooled(body));
        MediaPacket chunked = MediaChunks.chunked(original, ByteBufAllocator.DEFAULT);
        original.release();

        assertThat(ByteBufUtil.getBytes(chunked.payload())).isEqualTo(body);
        assertThat(chunked.size()).isEqualTo(length);
        ByteBuf expected = ChunkEncoder.standalone(ByteBufAllocator.DEFAULT, 6, timestamp, 9,
                MediaChunks.USUAL_STREAM_ID, Bytes.wrap(body), MediaChunks.CHUNK_SIZE);
        assertThat(ByteBufUtil.getBytes(chunked.chunks())).isEqualTo(ByteBufUtil.getBytes(expected));
        assertThat(chunked.heldBytes()).as("the chunks, counted once: the payload is a view of them")
                .isEqualTo(expected.readableBytes());
        expected.release();

        ByteBuf chunks = chunked.chunks();
        assertThat(chunked.release()).isTrue();
        assertThat(chunks.refCnt()).as("the chunks go with the packet").isZero();
    }

    @ParameterizedTest
    @CsvSource({"1, 40", "5, 40", "1, 4294967295", "5, 4294967295"})
    void eachConnectionSendsTheStandaloneMessageForItsOwnStreamId(long streamId, long timestamp) {
        byte[] body = Bytes.counting(9000);
        MediaPacket original = MediaPacket.of(MediaPacket.Kind.VIDEO, timestamp, Bytes.pooled(body));
        MediaPacket chunked = MediaChunks.chunked(original, ByteBufAllocator.DEFAULT);
        original.release();
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());

        MediaChunks.write(ch.pipeline().firstContext(), chunked, streamId);
        ch.flush();

        ByteBuf sent = Unpooled.buffer();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            sent.writeBytes(b);
            b.release();
        }
        ByteBuf expected = ChunkEncoder.standalone(ByteBufAllocator.DEFAULT, 6, timestamp, 9, streamId,
                Bytes.wrap(body), MediaChunks.CHUNK_SIZE);
        assertThat(ByteBufUtil.hexDump(sent)).isEqualTo(ByteBufUtil.hexDump(expected));
        sent.release();
        expected.release();
        assertThat(chunked.release()).as("the connection kept nothing").isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void theServersChunkSizeIsNeitherEchoedNorAdopted() {
        ChunkEncoder encoder = new ChunkEncoder();
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT), encoder,
                MessageCodec.INSTANCE, new ClientSession(RtmpUrl.parse("rtmp://127.0.0.1:1935/live/key"),
                new ClientSession.Listener() {
                    @Override
                    public void onPublishing(ClientSession session) {
                    }

                    @Override
                    public void onRejected(ClientSession session, String description) {
                    }
                }));
        ch.pipeline().fireUserEventTriggered(HandshakeCompleted.INSTANCE);
        ByteBuf announced = ch.readOutbound();
        assertThat(ByteBufUtil.hexDump(announced)).as("Set Chunk Size 4096 first")
                .isEqualTo("02000000000004010000000000001000");
        announced.release();
        ch.releaseOutbound();

        ch.writeInbound(Bytes.pooled(Bytes.of("02 000000 000004 01 00000000 00000080"))); // the server's: 128

        assertThat((Object) ch.readOutbound()).as("no echo").isNull();
        assertThat(encoder.chunkSize()).isEqualTo(MediaChunks.CHUNK_SIZE);
        ch.finishAndReleaseAll();
    }

    @Test
    void metadataAndPacketsAlreadyChunkedComeBackAsTheyAre() {
        MediaPacket data = MediaPacket.of(MediaPacket.Kind.DATA, 0, Bytes.pooled(Bytes.of("02 000A")));
        MediaPacket audio = MediaPacket.of(MediaPacket.Kind.AUDIO, 0, Bytes.pooled(Bytes.of("AF 01 2233")));
        MediaPacket chunkedAudio = MediaChunks.chunked(audio, ByteBufAllocator.DEFAULT);

        assertThat(MediaChunks.chunked(data, ByteBufAllocator.DEFAULT)).isSameAs(data);
        assertThat(data.chunks()).isNull();
        assertThat(MediaChunks.chunked(chunkedAudio, ByteBufAllocator.DEFAULT)).isSameAs(chunkedAudio);

        assertThat(data.refCnt()).isEqualTo(2);
        assertThat(chunkedAudio.refCnt()).isEqualTo(2);
        data.release(2);
        chunkedAudio.release(2);
        audio.release();
    }
}
