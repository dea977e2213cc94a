package dev.castrelay.ingest.srt;

import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_FATAL;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_VERBOSE;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_get_level;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

/**
 * FFmpeg's log, read for the one thing FFmpeg 7.1 tells about an SRT caller: its {@code streamid}. Its libsrt
 * listener ({@code libavformat/libsrt.c}, {@code libsrt_listen}) reads {@code SRTO_STREAMID} off the socket it has
 * just accepted and only logs it, at the verbose level ({@code accept streamid [...], length N}); no option or
 * field gives it back. The line is logged on the thread that opened the listener, before the open returns, so a
 * thread-local catches it for that thread's open alone.
 *
 * <p>Process-wide (FFmpeg has one log callback): installed once, it also hands the warnings FFmpeg logs on an SRT
 * reader thread (a damaged TS packet, an unreadable PES) to that input's summarised log, and otherwise logs only
 * fatal lines, as the transcoder's level ({@code AV_LOG_FATAL}) always did. It never forwards the streamid line:
 * it holds the stream key.
 */
final class FfmpegLogTap {

    private static final Logger log = LoggerFactory.getLogger(FfmpegLogTap.class);
    private static final String ACCEPT_LINE = "accept streamid [";
    private static final String ACCEPT_LINE_END = "], length ";

    private static final ThreadLocal<String> accepted = new ThreadLocal<>();
    private static final ThreadLocal<Consumer<String>> warnings = new ThreadLocal<>();
    /** Kept reachable: FFmpeg holds only its native address. */
    private static LogCallback callback;

    private FfmpegLogTap() {
    }

    /** Installs the callback (once per process). */
    static synchronized void install() {
        if (callback == null) {
            callback = new Tap();
            setLogCallback(callback);
        }
    }

    /**
     * Before this thread opens a listener: forgets any earlier streamid and makes sure FFmpeg passes verbose lines
     * to the callback (bytedeco's native callback drops lines above {@code av_log_get_level()}; something else in
     * the process may have lowered it since the last open).
     */
    static void expectAccept() {
        accepted.remove();
        if (av_log_get_level() < AV_LOG_VERBOSE) {
            av_log_set_level(AV_LOG_VERBOSE);
        }
    }

    /** The streamid of the caller this thread's listener just accepted (empty when it sent none), or null. */
    static String acceptedStreamId() {
        String id = accepted.get();
        accepted.remove();
        return id;
    }

    /** FFmpeg's warnings logged on this thread go to {@code sink} (null: no longer). */
    static void forwardWarnings(Consumer<String> sink) {
        if (sink == null) {
            warnings.remove();
        } else {
            warnings.set(sink);
        }
    }

    /** The streamid in an {@code accept streamid [ID], length N} line, or null for any other line. */
    static String streamIdIn(String line) {
        int start = line.indexOf(ACCEPT_LINE);
        int end = line.lastIndexOf(ACCEPT_LINE_END);
        if (start < 0 || end < start + ACCEPT_LINE.length()) {
            return null;
        }
        return line.substring(start + ACCEPT_LINE.length(), end);
    }

    private static final class Tap extends LogCallback {
        @Override
        public void call(int level, BytePointer message) {
            String line = message.getString();
            if (level == AV_LOG_VERBOSE) {
                String id = streamIdIn(line);
                if (id != null) {
                    accepted.set(id);
                    return;
                }
            }
            Consumer<String> sink = warnings.get();
            if (sink != null && level <= AV_LOG_WARNING) {
                sink.accept(line.strip());
            } else if (level <= AV_LOG_FATAL) {
                log.error("FFmpeg: {}", line.strip());
            }
        }
    }
}
