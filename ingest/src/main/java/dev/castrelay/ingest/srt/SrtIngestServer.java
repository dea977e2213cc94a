package dev.castrelay.ingest.srt;

import dev.castrelay.config.ListenAddress;
import dev.castrelay.config.RtmpLimitsConfig;
import dev.castrelay.config.SrtConfig;
import dev.castrelay.ingest.IngestException;
import dev.castrelay.ingest.IngestPolicy;
import dev.castrelay.ingest.IngestProtocol;
import dev.castrelay.rtmp.WarningSummary;
import io.netty.util.concurrent.EventExecutor;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_READ;
import static org.bytedeco.ffmpeg.global.avformat.avformat_network_init;
import static org.bytedeco.ffmpeg.global.avformat.avio_close;
import static org.bytedeco.ffmpeg.global.avformat.avio_open2;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

/**
 * The SRT ingest listener ({@code ingest.srt}): MPEG-TS over SRT, through FFmpeg's libsrt protocol and its raw
 * avformat API.
 *
 * <p>FFmpeg 7.1's listener accepts one caller per open: it binds, listens with a backlog of one, accepts, and
 * closes the listening socket. So one thread opens it again the moment each caller is accepted (libsrt lets the new
 * listener share the UDP port with the connections already accepted), and every accepted caller gets a reader
 * thread of its own ({@link SrtPublisher}): a primary, its backup and any caller with a wrong key come and go
 * through the one port, one after the other, without disturbing each other. Who may publish is decided before a
 * byte of media is read: a wrong passphrase is refused by libsrt in the handshake, a wrong key (read from the
 * caller's {@code streamid}, see {@link FfmpegLogTap}) is closed at once by the {@link IngestPolicy}, in constant
 * time, as over RTMP.
 */
public final class SrtIngestServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SrtIngestServer.class);
    /** Who FFmpeg 7.1 accepted: it tells the streamid, not the caller's address. */
    private static final String CALLER = "an SRT caller";
    private static final long RETRY_MILLIS = 1_000;

    /** Reads the flag an opening or a connection was given; one instance, as JavaCPP callbacks are few. */
    static final AVIOInterruptCB.Callback_Pointer INTERRUPT = new Interrupt();

    private final ListenAddress address;
    private final SrtConfig config;
    private final IngestPolicy policy;
    private final EventExecutor delivery;
    private final int maxFrameBytes;
    private final long firstMediaMillis;
    private final long idleMillis;
    private final Set<SrtPublisher> publishers = ConcurrentHashMap.newKeySet();
    private final WarningSummary listenerWarnings = new WarningSummary(log, "SRT listener warnings", 60,
            TimeUnit.SECONDS);
    private final Thread acceptor;
    private volatile boolean closed;
    /**
     * The flag of the opening under way; set to interrupt it. Flags are never freed by hand (a late close might
     * write to freed memory): JavaCPP frees each when it is unreachable.
     */
    private volatile IntPointer opening;

    private SrtIngestServer(ListenAddress address, SrtConfig config, IngestPolicy policy, EventExecutor delivery,
                            RtmpLimitsConfig limits) {
        this.address = address;
        this.config = config;
        this.policy = policy;
        this.delivery = delivery;
        this.maxFrameBytes = limits.maxMessageSize();
        this.firstMediaMillis = limits.publishTimeoutMs();
        this.idleMillis = limits.idleTimeoutMs();
        this.acceptor = new Thread(this::acceptLoop, "srt-accept");
        acceptor.setDaemon(true);
    }

    /**
     * Binds {@code config.listen()} and starts accepting.
     *
     * @param policy        who may publish, and where their streams go
     * @param delivery the event loop that hands packets on (the RTMP ingest's)
     * @param limits   {@code ingest.limits}: frames over {@code maxMessageSize} are dropped; the first media must
     *                 come within {@code publishTimeoutMs}, and a stream without media for {@code idleTimeoutMs}
     *                 is closed, as over RTMP
     * @throws IngestException when the port is taken
     */
    public static SrtIngestServer start(SrtConfig config, IngestPolicy policy, EventExecutor delivery,
                                        RtmpLimitsConfig limits) {
        ListenAddress address = ListenAddress.parse(config.listen());
        checkFree(address);
        FfmpegLogTap.install();
        avformat_network_init();
        SrtIngestServer server = new SrtIngestServer(address, config, policy, delivery, limits);
        server.acceptor.start();
        return server;
    }

    /**
     * FFmpeg's listener binds only when it opens, on the accepting thread, so a port in use would be reported there,
     * later and repeatedly; a plain UDP bind (closed at once) finds it here, where the relay can refuse to start.
     */
    private static void checkFree(ListenAddress address) {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (IOException e) {
            throw new IngestException("ingest.srt.listen " + address + " cannot be used: " + e.getMessage()
                    + " (is another relay or SRT server running there?)", e);
        }
    }

    /** The address encoders call. */
    public ListenAddress address() {
        return address;
    }

    private void acceptLoop() {
        String url = "srt://" + address;
        while (!closed) {
            IntPointer flag = new IntPointer(1).put(0);
            opening = flag;
            if (closed) {
                break;
            }
            AVIOContext io = new AVIOContext(null);
            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "mode", "listener", 0);
            av_dict_set(options, "latency", Long.toString(config.latencyMillis() * 1000), 0); // microseconds
            if (config.passphrase() != null) {
                av_dict_set(options, "passphrase", config.passphrase(), 0); // never in the URL: FFmpeg logs URLs
            }
            AVIOInterruptCB interrupt = new AVIOInterruptCB();
            interrupt.callback(INTERRUPT).opaque(flag);
            FfmpegLogTap.expectAccept();
            int r = avio_open2(io, url, AVIO_FLAG_READ, interrupt, options);
            String streamId = FfmpegLogTap.acceptedStreamId();
            av_dict_free(options);
            interrupt.close();
            if (r < 0) {
                if (!closed) {
                    listenerWarnings.warn("SRT listener on {}: {}; opening it again in {} ms", address, error(r),
                            RETRY_MILLIS);
                    sleep(RETRY_MILLIS);
                }
                continue;
            }
            accepted(io, flag, streamId);
        }
    }

    /** A caller is connected: admitted as a publisher, or closed before any of its media is read. */
    private void accepted(AVIOContext io, IntPointer flag, String streamId) {
        if (closed) {
            avio_close(io);
            return;
        }
        String refusal = null;
        StreamId id = null;
        if (streamId == null) {
            refusal = "its streamid could not be read (FFmpeg logged no 'accept streamid' line; was FFmpeg's log "
                    + "level lowered below verbose, or has FFmpeg changed?)";
        } else {
            try {
                id = StreamId.parse(streamId);
            } catch (IllegalArgumentException e) {
                refusal = e.getMessage();
            }
        }
        SrtPublisher publisher = new SrtPublisher(io, flag, delivery, maxFrameBytes, firstMediaMillis, idleMillis);
        IngestPolicy.Feed feed = null;
        if (refusal != null) {
            policy.refuse(CALLER, refusal);
        } else {
            feed = policy.admit(id.app(), id.key(), IngestProtocol.SRT, CALLER, publisher::close);
        }
        if (feed == null) {
            avio_close(io);
            return;
        }
        publishers.add(publisher);
        publisher.start(feed, () -> publishers.remove(publisher));
    }

    /** FFmpeg's text for an error code. */
    static String error(int code) {
        byte[] text = new byte[256];
        av_strerror(code, text, text.length);
        int end = 0;
        while (end < text.length && text[end] != 0) {
            end++;
        }
        return new String(text, 0, end, java.nio.charset.StandardCharsets.UTF_8) + " (" + code + ")";
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting and ends every SRT publisher. */
    @Override
    public void close() {
        closed = true;
        IntPointer current = opening;
        if (current != null) {
            current.put(1);
        }
        for (SrtPublisher p : publishers) {
            p.close("the relay is stopping");
        }
        try {
            acceptor.join(2_000);
            for (SrtPublisher p : publishers) {
                p.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Interrupt extends AVIOInterruptCB.Callback_Pointer {
        @Override
        public int call(Pointer opaque) {
            return new IntPointer(opaque).get() != 0 ? 1 : 0;
        }
    }
}
