package dev.castrelay.ingest.srt;

import dev.castrelay.ingest.IngestPolicy;
import dev.castrelay.rtmp.WarningSummary;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.util.concurrent.EventExecutor;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.javacpp.IntPointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_CUSTOM_IO;
import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_NOFILLIN;
import static org.bytedeco.ffmpeg.avformat.AVFormatContext.AVFMT_FLAG_NOPARSE;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avio_close;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXIT;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_INVALIDDATA;

/**
 * One accepted SRT publisher: its own thread reads the MPEG-TS (FFmpeg's demuxer on the SRT connection), converts
 * it ({@link TsToFlv}) and hands each packet to the ingest's event loop, where RTMP publishers deliver theirs: from
 * there on, an SRT input is the same as an RTMP one. Closed by its end of stream, by a publisher taking its input
 * over, or by the server's close; closing sets the flag FFmpeg's interrupt callback reads (within 100 ms, libsrt's
 * polling interval).
 */
final class SrtPublisher {

    private static final Logger log = LoggerFactory.getLogger(SrtPublisher.class);
    /** Consecutive unreadable reads after which the stream is given up (it is not MPEG-TS any more). */
    private static final int MAX_BAD_READS = 100;

    private final AVIOContext io;
    /** Set to 1 to interrupt FFmpeg's reads; native memory, read by {@link SrtIngestServer}'s interrupt callback. */
    private final IntPointer interrupt;
    private final EventExecutor delivery;
    private final int maxFrameBytes;
    private final WarningSummary warnings;
    private final long firstMediaMillis;
    private final long idleMillis;
    /** When the last media packet was handed on (0: none yet); written by the reader, read by the watchdog. */
    private volatile long lastMediaNanos;
    private final long acceptedNanos = System.nanoTime();
    private ScheduledFuture<?> watchdog;
    private volatile String closeReason;
    private IngestPolicy.Feed feed;
    private Thread thread;

    /**
     * @param firstMediaMillis the first picture or sound must come within this of the accept
     *                         ({@code ingest.limits.publishTimeoutMs})
     * @param idleMillis       a stream that sends no usable media this long is closed ({@code idleTimeoutMs}): SRT
     *                         only notices a peer that sends nothing at all, not one that sends garbage
     */
    SrtPublisher(AVIOContext io, IntPointer interrupt, EventExecutor delivery, int maxFrameBytes,
                 long firstMediaMillis, long idleMillis) {
        this.io = io;
        this.interrupt = interrupt;
        this.delivery = delivery;
        this.maxFrameBytes = maxFrameBytes;
        this.firstMediaMillis = firstMediaMillis;
        this.idleMillis = idleMillis;
        this.warnings = new WarningSummary(log, "SRT input warnings", 60, TimeUnit.SECONDS);
    }

    /** Starts reading into {@code feed}, on a thread of its own. */
    void start(IngestPolicy.Feed feed, Runnable onEnd) {
        this.feed = feed;
        thread = new Thread(() -> {
            try {
                run();
            } finally {
                onEnd.run();
            }
        }, "srt-" + feed.role().id());
        thread.setDaemon(true);
        watchdog = delivery.scheduleAtFixedRate(this::watch, 1, 1, TimeUnit.SECONDS); // before the reader can end
        thread.start();
    }

    /** Closes a publisher whose stream brings no media: not MPEG-TS, or no codec the relay takes. */
    private void watch() {
        long now = System.nanoTime();
        long last = lastMediaNanos;
        if (last == 0 && now - acceptedNanos > TimeUnit.MILLISECONDS.toNanos(firstMediaMillis)) {
            close("no H.264, HEVC or AAC frame within " + firstMediaMillis + " ms (ingest.limits.publishTimeoutMs): "
                    + "the encoder must send MPEG-TS with H.264 or HEVC video and AAC audio");
        } else if (last != 0 && now - last > TimeUnit.MILLISECONDS.toNanos(idleMillis)) {
            close("no usable media for " + idleMillis + " ms (ingest.limits.idleTimeoutMs)");
        }
    }

    /** Ends the connection (asynchronously: the reader notices within 100 ms and closes it). */
    void close(String why) {
        if (closeReason == null) {
            closeReason = why;
        }
        interrupt.put(1);
    }

    /** Waits up to {@code millis} for the reader to finish. */
    void join(long millis) throws InterruptedException {
        if (thread != null) {
            thread.join(millis);
        }
    }

    private String name() {
        return "SRT " + feed.role().id() + " input";
    }

    private void run() {
        String input = name();
        FfmpegLogTap.forwardWarnings(line -> warnings.warn("{}: FFmpeg: {}", input, line));
        AVFormatContext format = avformat_alloc_context();
        AVPacket pkt = av_packet_alloc();
        boolean opened = false;
        try {
            format.pb(io);
            // The SRT connection is closed below, by us. No parser: each packet is one PES (a large one in pieces,
            // joined by TsToFlv), one access unit as
            // encoders send it (ETSI TS 101 154), keyframes and timestamps read by TsToFlv, and the corrupt flag of
            // a PES that lost TS packets stays on that PES (a parser re-splitting the stream moves it, or loses it).
            format.flags(format.flags() | AVFMT_FLAG_CUSTOM_IO | AVFMT_FLAG_NOPARSE | AVFMT_FLAG_NOFILLIN);
            format.interrupt_callback().callback(SrtIngestServer.INTERRUPT).opaque(interrupt);
            int r = avformat_open_input(format, (String) null, av_find_input_format("mpegts"), null);
            if (r < 0) {
                if (closeReason == null) {
                    log.warn("{}: closed: its stream is not MPEG-TS ({})", input, SrtIngestServer.error(r));
                }
                return; // avformat_open_input freed the context

            }
            opened = true;
            TsToFlv converter = new TsToFlv(input, maxFrameBytes, warnings, this::deliver);
            int bad = 0;
            while (closeReason == null) {
                r = av_read_frame(format, pkt);
                if (r == AVERROR_EAGAIN()) {
                    continue;
                }
                if (r == AVERROR_INVALIDDATA && ++bad < MAX_BAD_READS) {
                    warnings.warn("{}: unreadable MPEG-TS skipped ({})", input, SrtIngestServer.error(r));
                    continue;
                }
                if (r < 0) {
                    converter.finish();
                    if (closeReason == null) {
                        log.info("{}: the publisher's stream ended ({})", input, r == AVERROR_EOF ? "end of stream"
                                : r == AVERROR_EXIT ? "closed" : SrtIngestServer.error(r));
                    }
                    break;
                }
                bad = 0;
                try {
                    converter.packet(format, pkt);
                } finally {
                    av_packet_unref(pkt);
                }
            }
        } catch (RuntimeException e) {
            log.warn("{}: closed after an error: {}", input, e.toString());
        } finally {
            watchdog.cancel(false);
            FfmpegLogTap.forwardWarnings(null);
            av_packet_free(pkt);
            if (opened) {
                avformat_close_input(format);
            }
            avio_close(io);
            if (closeReason != null) {
                log.info("{} closed: {}", input, closeReason);
            }
            hand(feed::onStreamEnd);
        }
    }

    /** Hands a packet (and its reference) to the ingest's event loop, in order. */
    private void deliver(MediaPacket p) {
        lastMediaNanos = System.nanoTime();
        if (!hand(() -> {
            try {
                feed.onPacket(p);
            } finally {
                p.release();
            }
        })) {
            p.release();
        }
    }

    /** Runs {@code task} on the delivery loop; false when the loop has stopped (the relay is closing). */
    private boolean hand(Runnable task) {
        try {
            delivery.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }
}
