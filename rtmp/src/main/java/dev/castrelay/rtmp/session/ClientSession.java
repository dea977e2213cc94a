package dev.castrelay.rtmp.session;

import dev.castrelay.config.Secrets;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.chunk.ChunkDecoder;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.handshake.HandshakeCompleted;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.message.Acknowledgement;
import dev.castrelay.rtmp.message.CommandMessage;
import dev.castrelay.rtmp.message.MediaMessage;
import dev.castrelay.rtmp.message.MessageCodec;
import dev.castrelay.rtmp.message.RtmpMessage;
import dev.castrelay.rtmp.message.SetChunkSize;
import dev.castrelay.rtmp.message.UserControl;
import dev.castrelay.rtmp.message.WindowAcknowledgementSize;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The publishing client's command flow, as FFmpeg's {@code rtmpproto.c} does it: connect, releaseStream,
 * FCPublish, createStream, publish; transaction ids matched to answers; {@code _error} on releaseStream or
 * FCPublish is only a warning (many servers do not implement them); our chunk size is announced once and kept
 * whatever the server announces for its own direction (as OBS does: media is chunked once per rendition); pings are
 * answered. Media is sent with {@link #send}. Lives on the channel's event loop.
 */
public final class ClientSession extends SimpleChannelInboundHandler<RtmpMessage> {

    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

    /** What the owner of the session hears. Called on the event loop. */
    public interface Listener {

        /** NetStream.Publish.Start arrived: media may be sent. */
        void onPublishing(ClientSession session);

        /**
         * The server refused (connect {@code _error}, an onStatus error): {@code description} is the server's own
         * words with its code.
         */
        void onRejected(ClientSession session, String description);

        /**
         * The server acknowledged {@code sequenceNumber} bytes received (wrapping at 2^32): what it has actually
         * read, unlike what our socket has sent. Servers ack after every {@link #ACK_WINDOW} bytes, which we ask
         * for; some never ack at all.
         */
        default void onAcknowledged(ClientSession session, long sequenceNumber) {
        }
    }

    /** The window we ask the server to acknowledge after (WindowAcknowledgementSize): small, so acks come often. */
    public static final long ACK_WINDOW = 64 * 1024;

    private enum Pending { CONNECT, RELEASE_STREAM, FC_PUBLISH, CREATE_STREAM, OTHER }

    private final RtmpUrl url;
    private final Listener listener;
    private final Map<Double, Pending> pending = new HashMap<>();
    private ChannelHandlerContext ctx;
    private ChunkDecoder decoder;
    private ChunkEncoder encoder;
    private double nextTransactionId = 1;
    private long streamId = -1;
    private boolean publishRequested;
    private boolean publishing;
    private long ackWindow;
    private long lastAck;

    public ClientSession(RtmpUrl url, Listener listener) {
        super(true);
        this.url = url;
        this.listener = listener;
    }

    public Channel channel() {
        return ctx.channel();
    }

    public boolean isPublishing() {
        return publishing;
    }

    /**
     * True once the publish command has gone out. With {@link #isPublishing()} still false the server has not
     * accepted it (yet): a connection that closes in that state was closed in answer to publish, which is how
     * nginx-rtmp refuses a stream ({@code deny publish} sends no onStatus).
     */
    public boolean isPublishRequested() {
        return publishRequested;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        // The codecs sit before the session in every pipeline we build; looked up once, not per message.
        this.decoder = ctx.pipeline().get(ChunkDecoder.class);
        this.encoder = ctx.pipeline().get(ChunkEncoder.class);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt == HandshakeCompleted.INSTANCE) {
            ctx.write(new SetChunkSize(MediaChunks.CHUNK_SIZE));
            encoder.setChunkSize(MediaChunks.CHUNK_SIZE);
            // Either peer may announce its window (RTMP 5.4.4); nginx-rtmp then acks our bytes this often.
            ctx.write(new WindowAcknowledgementSize(ACK_WINDOW));
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("app", url.app());
            properties.put("type", "nonprivate");
            properties.put("flashVer", "FMLE/3.0 (compatible; castrelay)");
            properties.put("tcUrl", url.tcUrl());
            command(Pending.CONNECT, 0, "connect", properties);
            ctx.flush();
        }
        super.userEventTriggered(ctx, evt);
    }

    private void command(Pending purpose, long onStream, String name, Object commandObject, Object... args) {
        double tx = nextTransactionId++;
        pending.put(tx, purpose);
        ctx.write(new CommandMessage(onStream, name, tx, commandObject, List.of(args)));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, RtmpMessage msg) {
        if (msg instanceof CommandMessage c) {
            onCommand(c);
        } else if (msg instanceof SetChunkSize s) {
            // The server's chunk size is for what it sends (the decoder has applied it); each direction has its own
            // (RTMP 5.4.1). Ours stays the one announced after the handshake, as OBS (librtmp) does, so media is
            // chunked once for every platform (MediaChunks). FFmpeg echoes the server's instead.
            log.debug("{} sends with chunk size {}; ours stays {}", url.address(), s.chunkSize(),
                    MediaChunks.CHUNK_SIZE);
        } else if (msg instanceof WindowAcknowledgementSize w) {
            ackWindow = w.size();
        } else if (msg instanceof Acknowledgement a) {
            listener.onAcknowledged(this, a.sequenceNumber());
        } else if (msg instanceof UserControl u && u.eventType() == UserControl.PING_REQUEST) {
            ctx.writeAndFlush(UserControl.pingResponse(u.value()));
        } else if (msg instanceof MediaMessage m) {
            m.packet().release(); // a server has no business sending media to a publisher
        }
        acknowledgeIfDue();
    }

    private void acknowledgeIfDue() {
        if (ackWindow > 0 && decoder != null && decoder.bytesReceived() - lastAck >= ackWindow) {
            lastAck = decoder.bytesReceived();
            ctx.writeAndFlush(new Acknowledgement(lastAck & 0xFFFFFFFFL));
        }
    }

    private void onCommand(CommandMessage c) {
        switch (c.name()) {
            case "_result" -> onResult(c);
            case "_error" -> onError(c);
            case "onStatus" -> onStatus(c.objectArgument(0));
            default -> log.debug("ignoring {} from {}", c.name(), url.address());
        }
    }

    private void onResult(CommandMessage c) {
        Pending what = pending.remove(c.transactionId());
        if (what == Pending.CONNECT) {
            command(Pending.RELEASE_STREAM, 0, "releaseStream", null, url.streamName());
            command(Pending.FC_PUBLISH, 0, "FCPublish", null, url.streamName());
            command(Pending.CREATE_STREAM, 0, "createStream", null);
            ctx.flush();
        } else if (what == Pending.CREATE_STREAM) {
            if (!(c.argument(0) instanceof Double id)) {
                reject("createStream answered without a stream id");
                return;
            }
            streamId = id.longValue();
            // publish carries transaction id 0: its answer is an onStatus, not a _result.
            publishRequested = true;
            ctx.writeAndFlush(new CommandMessage(streamId, "publish", 0, null, List.of(url.streamName(), "live")));
        }
    }

    private void onError(CommandMessage c) {
        Pending what = pending.remove(c.transactionId());
        String description = describe(c.objectArgument(0));
        if (what == Pending.RELEASE_STREAM || what == Pending.FC_PUBLISH) {
            log.debug("{} answered _error to {} ({}); continuing as FFmpeg does", url.address(), what, description);
            return;
        }
        reject(description);
    }

    private void onStatus(Map<String, Object> info) {
        Object code = info.get("code");
        if ("NetStream.Publish.Start".equals(code)) {
            publishing = true;
            listener.onPublishing(this);
        } else if ("error".equals(info.get("level"))) {
            reject(describe(info));
        } else {
            log.debug("{} status {}", url.address(), code);
        }
    }

    private void reject(String description) {
        publishing = false;
        listener.onRejected(this, description);
        ctx.close();
    }

    /** "NetStream.Publish.BadName: the key is invalid", with the key masked should a server quote it. */
    private String describe(Map<String, Object> info) {
        Object code = info.get("code");
        Object description = info.get("description");
        String text = (code == null ? "error" : code.toString())
                + (description == null || description.toString().isEmpty() ? "" : ": " + description);
        return Secrets.redact(text, List.of(url.streamName()));
    }

    /**
     * Sends one packet; the caller keeps its reference. Returns the write's future (null when not yet publishing);
     * nothing is flushed: call {@link #flush()} after a batch.
     */
    public ChannelFuture send(MediaPacket packet) {
        if (!publishing) {
            return null;
        }
        if (packet.isData()) {
            ByteBuf body = Metadata.toSetDataFrame(ctx.alloc(), packet);
            ByteBuf wire = ChunkEncoder.standalone(ctx.alloc(), MessageCodec.chunkStreamOf(packet.kind()),
                    packet.timestamp(), packet.kind().messageType(), streamId, body, MediaChunks.CHUNK_SIZE);
            body.release();
            return ctx.write(wire);
        }
        return MediaChunks.write(ctx, packet, streamId);
    }

    public void flush() {
        ctx.flush();
    }

    /** FCUnpublish and deleteStream, as a polite encoder does before it hangs up, then close. */
    public ChannelFuture unpublish() {
        if (publishing) {
            publishing = false;
            command(Pending.OTHER, 0, "FCUnpublish", null, url.streamName());
            ctx.write(new CommandMessage(0, "deleteStream", nextTransactionId++, null, List.of((double) streamId)));
        }
        return ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
}
