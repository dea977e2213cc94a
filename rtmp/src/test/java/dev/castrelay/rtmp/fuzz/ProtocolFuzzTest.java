package dev.castrelay.rtmp.fuzz;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.RtmpException;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.amf.AmfException;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkLimits;
import dev.castrelay.rtmp.chunk.RawMessage;
import dev.castrelay.rtmp.message.MediaMessage;
import dev.castrelay.rtmp.message.MessageCodec;
import dev.castrelay.rtmp.message.RtmpMessage;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random mutations of a real FFmpeg publish (the committed corpus {@code fuzz/ffmpeg-publish.bin}, the
 * chunk stream after the handshake) through the chunk decoder and message codec, and of its AMF0 command and data
 * bodies through the AMF0 reader. The only failures allowed are the protocol's own ({@link RtmpException}, wrapped
 * by Netty in a {@link DecoderException}); LeakGuard fails the test on any leaked buffer, and the decoder may never
 * hold more memory than it was fed plus a fixed overhead, whatever lengths the mutated headers announce. A fixed
 * number of seeds, so every build runs the same inputs; a failure names the seed that reproduces it.
 */
class ProtocolFuzzTest {

    private static final long SEED = 20_261_121L;
    private static final int CHUNK_ITERATIONS = Integer.getInteger("castrelay.fuzz.chunkIterations", 3_000);
    private static final int AMF_ITERATIONS = Integer.getInteger("castrelay.fuzz.amfIterations", 30_000);
    /** Small enough that a length set huge is refused quickly instead of buffered. */
    private static final ChunkLimits LIMITS = new ChunkLimits(65536, 1 << 20, 64, 2 << 20, 64 << 10);
    /**
     * What the decoder may hold beyond the bytes fed: the unfinished chunk waiting in Netty's cumulation buffer
     * (at most a chunk and its header), which grows by doubling.
     */
    private static final long OVERHEAD_BYTES = 4L * LIMITS.maxChunkSize();

    @Test
    void corpusDecodesCleanlyBeforeMutation() throws IOException {
        List<RtmpMessage> messages = decodeAll(corpus());

        assertThat(messages).hasSizeGreaterThan(20);
        assertThat(messages).hasAtLeastOneElementOfType(MediaMessage.class);
    }

    @Test
    void mutatedChunkStreamsFailOnlyWithProtocolErrors() throws IOException {
        byte[] corpus = corpus();
        for (long seed = SEED; seed < SEED + CHUNK_ITERATIONS; seed++) {
            Random random = new Random(seed);
            // Mutate a prefix of varying length: most bugs live in the first messages' framing.
            byte[] input = Mutator.mutate(Arrays.copyOf(corpus, 512 + random.nextInt(corpus.length - 512)), random);
            try {
                feed(input, random);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (" + input.length + " bytes, starting "
                        + ByteBufUtil.hexDump(input, 0, Math.min(64, input.length)) + ") failed with " + t, t);
            }
        }
    }

    @Test
    void mutatedAmfBodiesFailOnlyWithAmfException() throws IOException {
        List<byte[]> bodies = amfBodies(corpus());
        assertThat(bodies).as("commands and metadata in the corpus").hasSizeGreaterThan(3);
        for (long seed = SEED; seed < SEED + AMF_ITERATIONS; seed++) {
            Random random = new Random(seed);
            byte[] input = Mutator.mutate(bodies.get(random.nextInt(bodies.size())), random);
            try {
                Amf0Reader.readAll(Bytes.wrap(input));
            } catch (AmfException expected) {
                // the protocol's own error
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " (" + ByteBufUtil.hexDump(input) + ") failed with " + t, t);
            }
        }
    }

    /** Feeds the bytes in random pieces; protocol errors are expected, anything else propagates. */
    private static void feed(byte[] input, Random random) {
        List<Throwable> errors = new ArrayList<>();
        // Collects every exception, not just the first one EmbeddedChannel would rethrow.
        ChannelInboundHandlerAdapter errorSink = new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                errors.add(cause);
            }
        };
        ChunkDecoder decoder = new ChunkDecoder(LIMITS);
        decoder.allowMedia(); // the corpus is a whole publish: media follows its accepted publish
        // Counts every buffer the decoder allocates (the pieces fed come from elsewhere).
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(decoder, MessageCodec.INSTANCE, errorSink);
        try {
            int offset = 0;
            while (offset < input.length) {
                int n = Mutator.nextPiece(random, input.length - offset);
                ch.writeInbound(Bytes.pooled(Arrays.copyOfRange(input, offset, offset + n)));
                offset += n;
                drain(ch);
                long held = alloc.metric().usedHeapMemory();
                if (held > offset + OVERHEAD_BYTES) {
                    throw new AssertionError("the decoder holds " + held + " bytes after being fed " + offset);
                }
            }
            ch.finish();
            for (Throwable e : errors) {
                Throwable cause = e instanceof DecoderException && e.getCause() != null ? e.getCause() : e;
                if (!(cause instanceof RtmpException)) {
                    throw new AssertionError("not a protocol error: " + e, e);
                }
            }
        } finally {
            drain(ch);
            ch.finishAndReleaseAll();
        }
    }

    private static List<RtmpMessage> decodeAll(byte[] input) {
        ChunkDecoder decoder = new ChunkDecoder(ChunkLimits.DEFAULT);
        decoder.allowMedia();
        EmbeddedChannel ch = new EmbeddedChannel(decoder, MessageCodec.INSTANCE);
        ch.writeInbound(Bytes.pooled(input));
        List<RtmpMessage> out = drain(ch);
        ch.finishAndReleaseAll();
        return out;
    }

    /** Reads every decoded message, releasing media packets. */
    private static List<RtmpMessage> drain(EmbeddedChannel ch) {
        List<RtmpMessage> out = new ArrayList<>();
        for (Object m; (m = ch.readInbound()) != null; ) {
            if (m instanceof MediaMessage media) {
                media.packet().release();
            }
            out.add((RtmpMessage) m);
        }
        return out;
    }

    /** The AMF0 bodies of the corpus: command (20) and data (18) messages. */
    private static List<byte[]> amfBodies(byte[] corpus) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkDecoder(ChunkLimits.DEFAULT));
        ch.writeInbound(Bytes.pooled(corpus));
        List<byte[]> bodies = new ArrayList<>();
        for (RawMessage raw; (raw = ch.readInbound()) != null; ) {
            if (raw.typeId() == RtmpMessage.TYPE_COMMAND_AMF0 || raw.typeId() == RtmpMessage.TYPE_DATA_AMF0) {
                bodies.add(ByteBufUtil.getBytes(raw.payload()));
            }
            raw.release();
        }
        ch.finishAndReleaseAll();
        return bodies;
    }

    private static byte[] corpus() throws IOException {
        try (InputStream in = ProtocolFuzzTest.class.getResourceAsStream("/fuzz/ffmpeg-publish.bin")) {
            assertThat(in).as("committed corpus fuzz/ffmpeg-publish.bin").isNotNull();
            return in.readAllBytes();
        }
    }
}
