package dev.castrelay.ingest;

import dev.castrelay.rtmp.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The ingest's merged reads over a real loopback socket, as the ingest server sets them up. */
class ReadPacerTest {

    private static final long INTERVAL_MILLIS = 100;

    private EventLoopGroup loop;
    private Channel server;
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicInteger inactive = new AtomicInteger();

    @BeforeEach
    void listen() throws InterruptedException {
        loop = Transport.newGroup(1, "pacer-test");
        server = new ServerBootstrap().group(loop).channel(Transport.serverChannel(loop))
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new ReadPacer(INTERVAL_MILLIS));
                        ch.pipeline().addLast(new Counting());
                        ch.pipeline().addLast(new NeedsMore());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    @AfterEach
    void close() {
        server.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void mediaSentEveryFewMillisecondsIsReadInBatchesOfAboutTheInterval() throws Exception {
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            out.write(new byte[(int) ReadPacer.EAGER_BYTES]); // past the eager start, as after a handshake
            out.flush();
            await().atMost(5, TimeUnit.SECONDS).until(() -> bytes.get() == ReadPacer.EAGER_BYTES);
            int before = batches.get();
            long start = System.nanoTime();
            byte[] frame = new byte[1000];
            for (int i = 0; i < 150; i++) { // 1.5 s of 100 frames a second
                out.write(frame);
                out.flush();
                Thread.sleep(10);
            }
            long total = ReadPacer.EAGER_BYTES + 150 * 1000L;
            await().atMost(5, TimeUnit.SECONDS).until(() -> bytes.get() == total);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            int reads = batches.get() - before;
            // Unpaced, each frame wakes the reader: about 150 reads. Paced: one per interval, plus the last one.
            assertThat(reads).as("reads in %d ms", elapsedMillis)
                    .isBetween(5, (int) (elapsedMillis / INTERVAL_MILLIS) + 2);
        }
    }

    @Test
    void aBatchReadsEverythingThatHasArrivedNotOneReceiveBuffer() throws Exception {
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            out.write(new byte[(int) ReadPacer.EAGER_BYTES]);
            out.flush();
            await().atMost(5, TimeUnit.SECONDS).until(() -> bytes.get() == ReadPacer.EAGER_BYTES);
            // Four seconds of a 50 Mb/s stream at once: 2 MB, 32 of Netty's largest default read buffers (64 KB).
            int burst = 2 * 1024 * 1024;
            long start = System.nanoTime();
            out.write(new byte[burst]);
            out.flush();
            long total = ReadPacer.EAGER_BYTES + burst;
            await().atMost(10, TimeUnit.SECONDS).until(() -> bytes.get() == total);
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // One buffer per interval would take 32 intervals (3.2 s); draining each batch takes about one.
            assertThat(elapsedMillis).as("ms to read a 2 MB burst").isLessThan(5 * INTERVAL_MILLIS);
        }
    }

    @Test
    void theFirstKilobytesAreReadAtOnceSoAHandshakeIsNotSlowed() throws Exception {
        try (Socket client = connect()) {
            OutputStream out = client.getOutputStream();
            long start = System.nanoTime();
            for (int i = 1; i <= 5; i++) { // five request/answer round trips, as the RTMP handshake and commands
                out.write(new byte[100]);
                out.flush();
                long expected = i * 100L;
                await().atMost(5, TimeUnit.SECONDS).pollInterval(1, TimeUnit.MILLISECONDS)
                        .until(() -> bytes.get() == expected);
            }
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(elapsedMillis).as("five round trips").isLessThan(5 * INTERVAL_MILLIS / 2);
        }
    }

    @Test
    void aPeerThatHangsUpIsNoticedWhileReadsArePaced() throws Exception {
        try (Socket client = connect()) {
            client.getOutputStream().write(new byte[(int) ReadPacer.EAGER_BYTES + 10]);
            await().atMost(5, TimeUnit.SECONDS).until(() -> bytes.get() == ReadPacer.EAGER_BYTES + 10);
        }
        await().atMost(2 * INTERVAL_MILLIS + 500, TimeUnit.MILLISECONDS).until(() -> inactive.get() == 1);
    }

    private Socket connect() throws Exception {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(server.localAddress());
        return s;
    }

    /** Counts read batches and bytes, as the ingest's pipeline would see them. */
    private final class Counting extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytes.addAndGet(((ByteBuf) msg).readableBytes());
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            batches.incrementAndGet();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.incrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    /** A decoder that never has a whole message: it asks for more reads, which the pacer must not turn eager. */
    private static final class NeedsMore extends ByteToMessageDecoder {
        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            in.skipBytes(in.readableBytes());
        }
    }
}
