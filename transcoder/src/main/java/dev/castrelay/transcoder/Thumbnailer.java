package dev.castrelay.transcoder;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avutil.*;
import static org.bytedeco.ffmpeg.global.swscale.*;

/**
 * JPEG thumbnails of what is on air for the dashboard (the live picture or the slate), made from a picture the first
 * rendition encodes anyway, and only on request: when nobody watches, nothing is scaled or encoded. Requests come from
 * any thread; the rendition's thread hands its next picture over by reference, and the scaling and JPEG encoding
 * happen on the thumbnailer's own thread ({@code castrelay-thumbnail}), so neither the decoder nor a rendition ever
 * waits for a dashboard.
 */
final class Thumbnailer implements AutoCloseable {

    static final int WIDTH = 320;

    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "castrelay-thumbnail");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<byte[]> pending; // guarded by this

    /** The next picture on air as a JPEG (completes when one is encoded; the caller bounds the wait). */
    synchronized CompletableFuture<byte[]> request() {
        if (pending == null) {
            pending = new CompletableFuture<>();
        }
        return pending;
    }

    /**
     * Called by a rendition's thread with each picture it encodes; a field read when nothing is requested, else a
     * reference (no pixel copy) handed to the thumbnailer's thread.
     */
    void offer(AVFrame picture) {
        CompletableFuture<byte[]> request;
        synchronized (this) {
            request = pending;
            pending = null;
        }
        if (request == null) {
            return;
        }
        AVFrame ref = av_frame_clone(picture);
        if (ref == null) {
            request.completeExceptionally(new TranscoderException("out of memory referencing a thumbnail picture"));
            return;
        }
        try {
            worker.execute(() -> {
                try {
                    request.complete(encode(ref));
                } catch (RuntimeException e) {
                    request.completeExceptionally(e);
                } finally {
                    av_frame_free(ref);
                }
            });
        } catch (RejectedExecutionException e) {
            av_frame_free(ref);
            request.completeExceptionally(new TranscoderException("the transcoder is closed"));
        }
    }

    /** Stops the thread; a pending request fails. */
    @Override
    public void close() {
        worker.shutdown();
        CompletableFuture<byte[]> request;
        synchronized (this) {
            request = pending;
            pending = null;
        }
        if (request != null) {
            request.completeExceptionally(new TranscoderException("the transcoder is closed"));
        }
    }

    static byte[] encode(AVFrame src) {
        int height = Math.max(2, (int) Math.round((double) WIDTH * src.height() / src.width()) & ~1);
        AVFrame small = av_frame_alloc();
        AVCodecContext ctx = null;
        AVPacket packet = av_packet_alloc();
        SwsContext sws = null;
        try {
            small.format(AV_PIX_FMT_YUVJ420P);
            small.width(WIDTH);
            small.height(height);
            TranscoderException.check(av_frame_get_buffer(small, 0), "allocating a thumbnail frame");
            sws = sws_getContext(src.width(), src.height(), src.format(), WIDTH, height, AV_PIX_FMT_YUVJ420P,
                    SWS_BILINEAR, null, null, (DoublePointer) null);
            if (sws == null) {
                throw new TranscoderException("cannot scale a " + src.width() + "x" + src.height() + " thumbnail");
            }
            sws_scale(sws, src.data(), src.linesize(), 0, src.height(), small.data(), small.linesize());
            AVCodec mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
            ctx = avcodec_alloc_context3(mjpeg);
            ctx.width(WIDTH);
            ctx.height(height);
            ctx.pix_fmt(AV_PIX_FMT_YUVJ420P);
            ctx.time_base(av_make_q(1, 25));
            TranscoderException.check(avcodec_open2(ctx, mjpeg, (AVDictionary) null), "opening the JPEG encoder");
            small.pts(0);
            TranscoderException.check(avcodec_send_frame(ctx, small), "encoding a thumbnail");
            TranscoderException.check(avcodec_receive_packet(ctx, packet), "encoding a thumbnail");
            byte[] jpeg = new byte[packet.size()];
            packet.data().get(jpeg);
            return jpeg;
        } finally {
            av_packet_free(packet);
            if (ctx != null) {
                avcodec_free_context(ctx);
            }
            if (sws != null) {
                sws_freeContext(sws);
            }
            av_frame_free(small);
        }
    }
}
