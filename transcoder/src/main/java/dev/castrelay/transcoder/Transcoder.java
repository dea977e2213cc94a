package dev.castrelay.transcoder;

import dev.castrelay.config.RenditionConfig;
import dev.castrelay.config.SlateConfig;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * Decodes the ingest once and encodes it once per transcoded rendition; keeps every rendition's output going through
 * an ingest drop with the slate.
 *
 * <p><b>Threads.</b> The caller's event loop only queues (never blocks): packets go into the {@code decodeQueue}
 * (bounded, drops until a keyframe when full). One decode thread ({@code castrelay-decode}) owns the
 * {@link IngestDecoder} and hands each decoded frame, by reference, to every rendition's {@code encodeQueue}. Each
 * rendition has its own thread ({@code castrelay-rendition-<id>}, see {@link RenditionEncoder}) that scales, encodes
 * and calls its output listener. The decode thread also notices a silent ingest: no packet for
 * {@code lossTimeout} counts as lost.
 */
public final class Transcoder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Transcoder.class);

    /** Media packets that may wait for the decoder: a few seconds of a typical stream. */
    public static final int DEFAULT_DECODE_QUEUE_CAPACITY = 256;
    /** No ingest packet for this long while live counts as a lost ingest (the slate then follows at once). */
    public static final Duration DEFAULT_LOSS_TIMEOUT = Duration.ofMillis(800);

    static {
        // FFmpeg logs straight to stderr; corrupt input is reported through SLF4J instead, once per packet.
        av_log_set_level(AV_LOG_FATAL);
    }

    private final DecodeQueue decodeQueue;
    private final Thumbnailer thumbnailer = new Thumbnailer();
    private final List<RenditionEncoder> renditions = new ArrayList<>();
    private final long lossTimeoutNanos;
    private final Thread decodeThread;
    private volatile boolean running = true;
    /** True while the decode thread works on an item. */
    private volatile boolean decoding;

    /**
     * Starts the decode thread and one thread per rendition.
     *
     * @param renditions the non-passthrough renditions
     * @param slate      what to show while the ingest is lost
     * @param outputs    rendition id to the listener that gets that rendition's FLV packets (on the rendition's
     *                   thread; it must not block)
     */
    public Transcoder(List<RenditionConfig> renditions, SlateConfig slate, Function<String, MediaListener> outputs) {
        this(renditions, slate, outputs, DEFAULT_DECODE_QUEUE_CAPACITY, DEFAULT_LOSS_TIMEOUT);
    }

    /** As above, with the decode queue's capacity (media packets) and the silence that counts as a lost ingest. */
    public Transcoder(List<RenditionConfig> renditions, SlateConfig slate, Function<String, MediaListener> outputs,
                      int decodeQueueCapacity, Duration lossTimeout) {
        this.decodeQueue = new DecodeQueue(decodeQueueCapacity);
        this.lossTimeoutNanos = lossTimeout.toNanos();
        for (RenditionConfig r : renditions) {
            // The dashboard's thumbnail shows the first rendition: what is on air, the slate included.
            Thumbnailer pictures = this.renditions.isEmpty() ? thumbnailer : null;
            if (r.passthrough() || r.video() == null || r.audio() == null) {
                throw new IllegalArgumentException("rendition " + r.id() + " is passthrough or lacks video/audio settings; "
                        + "the transcoder takes only transcoded renditions");
            }
            this.renditions.add(new RenditionEncoder(r, slate, outputs.apply(r.id()), pictures));
        }
        this.decodeThread = new Thread(this::decodeLoop, "castrelay-decode");
        this.decodeThread.setDaemon(true);
        this.decodeThread.start();
    }

    /** An ingest packet; called on a Netty event loop: queues a retained reference, never blocks. */
    public void onIngestPacket(MediaPacket p) {
        if (running) {
            decodeQueue.offer(p);
        }
    }

    /** A publisher (re)started: its timestamps, size, rate may all differ from the last one's. */
    public void onIngestStart() {
        decodeQueue.offer(DecodeQueue.Event.INGEST_STARTED);
    }

    /** The publisher is gone: every rendition shows the slate at once. */
    public void onIngestLost() {
        decodeQueue.offer(DecodeQueue.Event.INGEST_LOST);
    }

    /** One snapshot per rendition, in configuration order. */
    public List<RenditionHealth> health() {
        return renditions.stream().map(RenditionEncoder::health).toList();
    }

    /**
     * A JPEG of the next picture on air (the first rendition's: the ingest's picture or the slate),
     * {@value Thumbnailer#WIDTH} pixels wide, made only because it was asked for. Never completes while no rendition
     * is on air: callers bound their wait.
     */
    public CompletableFuture<byte[]> thumbnail() {
        return thumbnailer.request();
    }

    /** True when every packet offered so far has been decoded and every frame encoded (for tests and shutdown). */
    boolean caughtUp() {
        return decodeQueue.isEmpty() && !decoding && renditions.stream().allMatch(RenditionEncoder::caughtUp);
    }

    private void decodeLoop() {
        IngestDecoder decoder = new IngestDecoder(f -> broadcast(f, true), f -> broadcast(f, false));
        boolean live = false;
        long lastPacketNanos = System.nanoTime();
        try {
            while (running) {
                Object item = decodeQueue.poll(100);
                decoding = item != null;
                long now = System.nanoTime();
                if (item == null) {
                    if (live && now - lastPacketNanos > lossTimeoutNanos) {
                        live = false;
                        lost(decoder, "no ingest packet for " + (now - lastPacketNanos) / 1_000_000 + " ms");
                    }
                } else if (item == DecodeQueue.Event.INGEST_STARTED) {
                    decoder.reset();
                    live = true;
                    lastPacketNanos = now;
                    send(new RenditionInput.IngestStarted());
                } else if (item == DecodeQueue.Event.INGEST_LOST) {
                    if (live) {
                        live = false;
                        lost(decoder, "publisher left");
                    }
                } else if (item instanceof MediaPacket p) {
                    try {
                        if (!live) {
                            live = true; // packets again after a silence: the same publisher, a new epoch
                            send(new RenditionInput.IngestStarted());
                        }
                        lastPacketNanos = now;
                        decoder.decode(p);
                    } catch (RuntimeException e) {
                        log.warn("Ingest packet {} not decodable, skipped: {}", p, e.getMessage());
                    } finally {
                        p.release();
                    }
                }
                decoding = false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            decoder.close();
            decodeQueue.clear();
        }
    }

    private void lost(IngestDecoder decoder, String reason) {
        decoder.drain();
        send(new RenditionInput.IngestLost(reason));
    }

    private void send(RenditionInput event) {
        renditions.forEach(r -> r.offer(event));
    }

    /** Gives every rendition its own reference to the decoder's frame (no pixel copy). */
    private void broadcast(AVFrame frame, boolean video) {
        for (RenditionEncoder r : renditions) {
            AVFrame ref = av_frame_clone(frame);
            if (ref == null) {
                log.warn("Out of memory referencing a decoded frame for rendition {}", r.id());
                continue;
            }
            r.offer(video ? new RenditionInput.VideoFrame(ref) : new RenditionInput.AudioFrame(ref));
        }
    }

    /**
     * Stops the decode thread, then every rendition (each flushes its encoders and ends its stream for the
     * listener), freeing all native memory. Packets still queued are dropped. Idempotent.
     */
    @Override
    public void close() {
        if (!running) {
            return;
        }
        running = false;
        decodeThread.interrupt();
        try {
            decodeThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        renditions.forEach(RenditionEncoder::close);
        thumbnailer.close();
        decodeQueue.clear();
    }
}
