package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.amf.AmfException;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.message.Acknowledgement;
import dev.castrelay.rtmp.message.CommandMessage;
import dev.castrelay.rtmp.message.MediaMessage;
import dev.castrelay.rtmp.message.RtmpMessage;
import dev.castrelay.rtmp.message.SetChunkSize;
import dev.castrelay.rtmp.message.SetPeerBandwidth;
import dev.castrelay.rtmp.message.UserControl;
import dev.castrelay.rtmp.message.WindowAcknowledgementSize;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server side of one RTMP connection from a publisher: answers connect, releaseStream, FCPublish,
 * createStream, publish, FCUnpublish and deleteStream as FMS and nginx-rtmp do, and delivers the published media.
 * It asks {@link PublishPolicy} whether to accept a publish; it decides nothing itself. Lives on the channel's
 * event loop.
 */
public final class ServerSession extends SimpleChannelInboundHandler<RtmpMessage> {

    private static final Logger log = LoggerFactory.getLogger(ServerSession.class);
    /** What we ask peers to acknowledge after, and announce as our bandwidth: nginx-rtmp's defaults. */
    private static final long WINDOW = 5_000_000;
    /** Our outgoing chunk size: fewer headers than the default 128. */
    private static final int OUT_CHUNK_SIZE = 4096;
    private static final long PUBLISH_STREAM_ID = 1;

    private final PublishPolicy policy;
    private ChannelHandlerContext ctx;
    private ChunkDecoder decoder;
    private ChunkEncoder encoder;
    private String app;
    private MediaListener listener;
    /** A publish was accepted on this connection (its stream may have ended since). */
    private boolean published;
    private long ackWindow;
    private long lastAck;
    private final TimestampUnwrapper audioClock = new TimestampUnwrapper();
    private final TimestampUnwrapper videoClock = new TimestampUnwrapper();
    private final TimestampUnwrapper dataClock = new TimestampUnwrapper();

    public ServerSession(PublishPolicy policy) {
        super(false);
        this.policy = policy;
    }

    public Channel channel() {
        return ctx.channel();
    }

    /** Whether a publish was accepted and the stream has not ended. */
    public boolean isPublishing() {
        return listener != null;
    }

    /** Ends the session from our side (e.g. another publisher took over); the stream ends first. */
    public void close(String why) {
        if (ctx.executor().inEventLoop()) {
            log.info("closing ingest connection from {}: {}", ctx.channel().remoteAddress(), why);
            endStream();
            ctx.close();
        } else {
            ctx.executor().execute(() -> close(why));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // The codecs sit before the session in every pipeline we build; looked up once, not per message.
        this.decoder = ctx.pipeline().get(ChunkDecoder.class);
        this.encoder = ctx.pipeline().get(ChunkEncoder.class);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        try {
            if (msg instanceof MediaMessage m) {
                onMedia(m);
            } else if (msg instanceof CommandMessage c) {
                onCommand(c);
            } else if (msg instanceof WindowAcknowledgementSize w) {
                ackWindow = w.size();
            } else if (msg instanceof UserControl u && u.eventType() == UserControl.PING_REQUEST) {
                ctx.writeAndFlush(UserControl.pingResponse(u.value()));
            }
        } finally {
            if (msg instanceof MediaMessage m) {
                m.packet().release();
            }
        }
        acknowledgeIfDue();
    }

    private void acknowledgeIfDue() {
        if (ackWindow <= 0) {
            return;
        }
        long received = decoder == null ? 0 : decoder.bytesReceived();
        if (received - lastAck >= ackWindow) {
            lastAck = received;
            ctx.writeAndFlush(new Acknowledgement(received & 0xFFFFFFFFL));
        }
    }

    private void onMedia(MediaMessage m) {
        if (listener == null) {
            if (!published) {
                // Only the command flow may come before the key is accepted (PRODUCT.md, memory).
                ctx.fireExceptionCaught(new SessionException("media before a publish was accepted"));
            }
            return; // after the stream ended: the last packets in flight, nothing to deliver them to
        }
        if (m.streamId() != PUBLISH_STREAM_ID) {
            return; // on a stream we never created: nothing to deliver it to
        }
        MediaPacket wire = m.packet();
        switch (wire.kind()) {
            case AUDIO -> deliver(wire.retainedWithTimestamp(audioClock.unwrap(wire.timestamp())));
            case VIDEO -> deliver(wire.retainedWithTimestamp(videoClock.unwrap(wire.timestamp())));
            case DATA -> {
                MediaPacket metadata;
                try {
                    metadata = Metadata.fromDataMessage(wire, dataClock.unwrap(wire.timestamp()));
                } catch (AmfException e) {
                    // Metadata is advisory: a malformed one is dropped, the stream goes on.
                    log.warn("dropping a malformed data message from {}: {}", ctx.channel().remoteAddress(),
                            e.getMessage());
                    return;
                }
                if (metadata != null) {
                    deliver(metadata);
                }
            }
        }
    }

    private void deliver(MediaPacket packet) {
        try {
            listener.onPacket(packet);
        } finally {
            packet.release();
        }
    }

    private void onCommand(CommandMessage c) {
        switch (c.name()) {
            case "connect" -> onConnect(c);
            case "releaseStream", "FCPublish" -> result(c, null);
            case "createStream" -> result(c, null, (double) PUBLISH_STREAM_ID);
            case "publish" -> onPublish(c);
            case "FCUnpublish", "closeStream" -> endStream();
            case "deleteStream" -> endStream();
            case "play", "play2" -> {
                error(c, "NetStream.Play.Failed", "this relay does not serve viewers");
                ctx.close();
            }
            default -> log.debug("ignoring command {} from {}", c.name(), ctx.channel().remoteAddress());
        }
    }

    private void onConnect(CommandMessage c) {
        Object app = c.commandObject() instanceof Map<?, ?> m ? m.get("app") : null;
        this.app = app instanceof String s ? stripSlashes(s) : "";
        ctx.write(new WindowAcknowledgementSize(WINDOW));
        ctx.write(new SetPeerBandwidth(WINDOW, SetPeerBandwidth.DYNAMIC));
        ctx.write(new SetChunkSize(OUT_CHUNK_SIZE));
        if (encoder != null) {
            encoder.setChunkSize(OUT_CHUNK_SIZE);
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,0,1,123");
        properties.put("capabilities", 31.0);
        Map<String, Object> info = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        info.put("objectEncoding", 0.0);
        ctx.writeAndFlush(new CommandMessage(0, "_result", c.transactionId(), properties, List.of(info)));
    }

    private void onPublish(CommandMessage c) {
        String name = c.stringArgument(0);
        if (name == null || app == null) {
            onStatus("error", "NetStream.Publish.BadName", "publish needs a stream name after connect");
            ctx.close();
            return;
        }
        if (listener != null) {
            onStatus("error", "NetStream.Publish.BadName", "already publishing on this connection");
            return;
        }
        String type = c.stringArgument(1);
        PublishDecision decision = policy.onPublish(
                new PublishRequest(app, name, type == null ? "live" : type, ctx.channel().remoteAddress()), this);
        if (decision instanceof PublishDecision.Accept accept) {
            listener = accept.listener();
            published = true;
            if (decoder != null) {
                decoder.allowMedia();
            }
            ctx.pipeline().fireUserEventTriggered(PublishAccepted.INSTANCE);
            ctx.write(UserControl.streamBegin(PUBLISH_STREAM_ID));
            onStatus("status", "NetStream.Publish.Start", "Start publishing");
        } else if (decision instanceof PublishDecision.Reject reject) {
            onStatus("error", reject.code(), reject.description())
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void endStream() {
        MediaListener ending = listener;
        listener = null;
        if (ending != null) {
            ending.onStreamEnd();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        endStream();
        super.channelInactive(ctx);
    }

    private void result(CommandMessage c, Object commandObject, Object... args) {
        if (c.transactionId() != 0) {
            ctx.writeAndFlush(new CommandMessage(0, "_result", c.transactionId(), commandObject, List.of(args)));
        }
    }

    private void error(CommandMessage c, String code, String description) {
        ctx.writeAndFlush(new CommandMessage(0, "_error", c.transactionId(), null,
                List.of(status("error", code, description))));
    }

    private io.netty.channel.ChannelFuture onStatus(String level, String code, String description) {
        return ctx.writeAndFlush(new CommandMessage(PUBLISH_STREAM_ID, "onStatus", 0, null,
                List.of(status(level, code, description))));
    }

    static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return info;
    }

    private static String stripSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }
}
