package dev.castrelay.relay.demo;

import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.Transport;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import dev.castrelay.transcoder.DecodeCheck;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/**
 * A local stand-in for a platform's ingest, for {@code relay demo}: an RTMP server on loopback that accepts any
 * publish, counts what it receives and decodes it, so the demo can say what each "platform" got and whether a
 * platform could have played it.
 */
final class StandInPlatform implements AutoCloseable {

    /** What one stand-in received. Written by its event loop, read at the end: synchronized. */
    static final class Received implements AutoCloseable {
        private final DecodeCheck decoded = new DecodeCheck();
        /** Connections may outlive the listener: nothing reaches the freed decoder after close. */
        private boolean closed;
        int publishes;
        long videoFrames;
        long keyframes;
        long audioFrames;
        long bytes;
        long firstVideoTs = -1;
        long lastVideoTs;
        int width;
        int height;

        synchronized void record(MediaPacket p) {
            if (closed) {
                return;
            }
            bytes += p.size();
            decoded.accept(p);
            if (p.isData()) {
                try {
                    List<Object> values = Amf0Reader.readAll(p.payload().duplicate());
                    if (values.size() >= 2 && values.get(1) instanceof Map<?, ?> m) {
                        width = m.get("width") instanceof Number n ? n.intValue() : width;
                        height = m.get("height") instanceof Number n ? n.intValue() : height;
                    }
                } catch (RuntimeException ignored) {
                    // metadata is informative only
                }
            } else if (p.isVideo() && !p.isSequenceHeader()) {
                videoFrames++;
                if (p.isKeyframe()) {
                    keyframes++;
                }
                if (firstVideoTs < 0) {
                    firstVideoTs = p.timestamp();
                }
                lastVideoTs = p.timestamp();
            } else if (p.isAudio() && !p.isSequenceHeader()) {
                audioFrames++;
            }
        }

        /** Pictures decoded from what arrived, the decoder's last ones included. */
        synchronized long picturesDecoded() {
            decoded.finish();
            return decoded.pictures();
        }

        synchronized long decodeErrors() {
            return decoded.errors();
        }

        @Override
        public synchronized void close() {
            closed = true;
            decoded.close();
        }

        synchronized double seconds() {
            return firstVideoTs < 0 ? 0 : (lastVideoTs - firstVideoTs) / 1000.0;
        }
    }

    private final String name;
    private final String app;
    private final Channel channel;
    private final Received received = new Received();

    StandInPlatform(String name, String app, EventLoopGroup loops) throws InterruptedException {
        this.name = name;
        this.app = app;
        this.channel = new ServerBootstrap().group(loops).channel(Transport.serverChannel(loops))
                .childHandler(new RtmpServerInitializer(RtmpLimits.DEFAULT, (request, session) -> {
                    synchronized (received) {
                        received.publishes++;
                    }
                    return new PublishDecision.Accept(new MediaListener() {
                        @Override
                        public void onPacket(MediaPacket packet) {
                            received.record(packet);
                        }
                    });
                }))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    String name() {
        return name;
    }

    /** The base URL a target uses; the key goes after it. */
    String url() {
        return "rtmp://127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort() + "/" + app + "/";
    }

    Received received() {
        return received;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        received.close();
    }
}
