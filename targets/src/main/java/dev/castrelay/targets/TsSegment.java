package dev.castrelay.targets;

import dev.castrelay.rtmp.media.VideoCodec;
import io.netty.buffer.ByteBuf;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * One archive file being written: FFmpeg's MPEG-TS muxer over a file this class opens and writes itself (a custom
 * {@code AVIOContext}), so every byte that reaches the disk is counted, a full or read-only disk comes back as the
 * operating system's own words, and the file can be synced. MPEG-TS because a file cut anywhere still plays up to
 * its last whole 188-byte packet: there is no index to write at the end.
 *
 * <p>Packets come as FLV tag bodies' codec data: H.264/HEVC as length-prefixed NAL units with the avcC/hvcC record as
 * extradata (the muxer inserts its own {@code mp4toannexb} filter), AAC raw with the AudioSpecificConfig as
 * extradata (the muxer adds ADTS headers). Timestamps are milliseconds from the start of the file.
 *
 * <p>Owned by one archive writer thread: not thread-safe.
 */
final class TsSegment implements AutoCloseable {

    /** What the muxer writes per call: a few dozen TS packets. */
    private static final int IO_BUFFER_BYTES = 32 * 1024;
    private static final AVRational MILLIS = av_make_q(1, 1000);

    /**
     * The one native callback of every segment. JavaCPP gives each callback object a native thunk from a small
     * fixed pool, so there is one, and it finds the segment being written through the calling thread: the muxer
     * writes only from inside the calls its owner makes.
     */
    private static final ThreadLocal<TsSegment> WRITING = new ThreadLocal<>();
    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buf, int size) {
            TsSegment segment = WRITING.get();
            return segment == null ? AVERROR_EIO() : segment.write(buf, size);
        }
    };

    /** The codecs of one file; a video or audio config of null leaves that stream out. */
    record Streams(VideoCodec videoCodec, byte[] videoConfig, byte[] audioConfig) {
        boolean hasVideo() {
            return videoConfig != null;
        }

        boolean hasAudio() {
            return audioConfig != null;
        }
    }

    /** Media MPEG-TS cannot carry: no fault of the disk. */
    static final class UnsupportedCodec extends IOException {
        UnsupportedCodec(String message) {
            super(message);
        }
    }

    private final Path file;
    private final FileChannel channel;
    private final AVPacket packet = av_packet_alloc();
    private AVFormatContext ctx;
    private AVIOContext io;
    private AVStream video;
    private AVStream audio;
    private long bytesWritten;
    /** Why the last write failed, in the operating system's words; null while all is well. */
    private IOException writeError;

    private TsSegment(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /**
     * Creates {@code file} (it must not exist) and writes the MPEG-TS header for {@code streams}.
     *
     * @throws IOException the file cannot be created or written, or FFmpeg cannot mux these codecs
     */
    static TsSegment create(Path file, Streams streams) throws IOException {
        if (streams.hasVideo() && streams.videoCodec() != VideoCodec.H264 && streams.videoCodec() != VideoCodec.HEVC) {
            throw new UnsupportedCodec("the archive records H.264 and HEVC video in MPEG-TS; this rendition carries "
                    + streams.videoCodec().displayName() + ": give the archive a transcoded rendition");
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        TsSegment segment = new TsSegment(file, channel);
        try {
            segment.open(streams);
            return segment;
        } catch (IOException | RuntimeException e) {
            segment.release();
            throw e;
        }
    }

    private void open(Streams streams) throws IOException {
        ctx = new AVFormatContext(null);
        check(avformat_alloc_output_context2(ctx, null, "mpegts", null), "allocating the MPEG-TS muxer");
        io = avio_alloc_context(new BytePointer(av_malloc(IO_BUFFER_BYTES)), IO_BUFFER_BYTES, 1, null, null, WRITE,
                null);
        ctx.pb(io);
        // Every packet handed to the file at once (no muxer-side buffering beyond one PES): a relay killed
        // mid-write loses only what the kernel had not been given.
        ctx.flush_packets(1);
        if (streams.hasVideo()) {
            video = avformat_new_stream(ctx, null);
            AVCodecParameters par = video.codecpar();
            par.codec_type(AVMEDIA_TYPE_VIDEO);
            par.codec_id(streams.videoCodec() == VideoCodec.HEVC ? AV_CODEC_ID_HEVC : AV_CODEC_ID_H264);
            setExtradata(par, streams.videoConfig());
            video.time_base(MILLIS);
        }
        if (streams.hasAudio()) {
            audio = avformat_new_stream(ctx, null);
            AVCodecParameters par = audio.codecpar();
            par.codec_type(AVMEDIA_TYPE_AUDIO);
            par.codec_id(AV_CODEC_ID_AAC);
            setExtradata(par, streams.audioConfig());
            AacConfig asc = AacConfig.parse(streams.audioConfig());
            if (asc != null) {
                par.sample_rate(asc.sampleRate());
                av_channel_layout_default(par.ch_layout(), asc.channels());
            }
            audio.time_base(MILLIS);
        }
        WRITING.set(this);
        try {
            check(avformat_write_header(ctx, (org.bytedeco.ffmpeg.avutil.AVDictionary) null), "writing the header");
        } finally {
            WRITING.remove();
        }
    }

    private static void setExtradata(AVCodecParameters par, byte[] config) {
        BytePointer ed = new BytePointer(av_mallocz(config.length + AV_INPUT_BUFFER_PADDING_SIZE));
        ed.put(config);
        par.extradata(ed);
        par.extradata_size(config.length);
    }

    Path file() {
        return file;
    }

    /** Bytes handed to the file so far. */
    long bytesWritten() {
        return bytesWritten;
    }

    /**
     * Writes one coded frame: {@code data[from, to)} of a tag body, at {@code dts}/{@code pts} ms from the file's
     * start.
     *
     * @throws IOException the disk refused it (full, read-only, gone)
     */
    void writeVideo(ByteBuf data, int from, int to, long dts, long pts, boolean keyframe) throws IOException {
        write(video, data, from, to, dts, pts, keyframe);
    }

    void writeAudio(ByteBuf data, int from, int to, long timestamp) throws IOException {
        write(audio, data, from, to, timestamp, timestamp, true);
    }

    boolean hasVideo() {
        return video != null;
    }

    boolean hasAudio() {
        return audio != null;
    }

    private void write(AVStream stream, ByteBuf data, int from, int to, long dts, long pts, boolean keyframe)
            throws IOException {
        int size = to - from;
        check(av_new_packet(packet, size), "allocating a packet");
        try {
            data.getBytes(from, packet.data().capacity(size).asBuffer());
            packet.stream_index(stream.index());
            packet.dts(av_rescale_q(dts, MILLIS, stream.time_base()));
            packet.pts(av_rescale_q(pts, MILLIS, stream.time_base()));
            packet.flags(keyframe ? AV_PKT_FLAG_KEY : 0);
            WRITING.set(this);
            try {
                check(av_write_frame(ctx, packet), "writing a frame");
            } finally {
                WRITING.remove();
            }
        } finally {
            av_packet_unref(packet);
        }
    }

    /** Puts what the file holds on the disk itself, so a machine that dies keeps it. */
    void sync() throws IOException {
        channel.force(false);
    }

    /** Native side of {@link #WRITE}: the muxer's bytes to the file. */
    private int write(BytePointer buf, int size) {
        if (writeError != null) {
            return AVERROR_EIO();
        }
        try {
            ByteBuffer bytes = buf.position(0).limit(size).asByteBuffer();
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            bytesWritten += size;
            return size;
        } catch (IOException e) {
            writeError = e;
            return AVERROR_EIO();
        }
    }

    /** An FFmpeg result as an IOException: the disk's own error when a write failed, else FFmpeg's words. */
    private void check(int ret, String what) throws IOException {
        if (writeError != null) {
            throw writeError;
        }
        if (ret < 0) {
            throw new IOException(what + " for " + file.getFileName() + " failed: " + describe(ret));
        }
    }

    static String describe(int errnum) {
        try (BytePointer buf = new BytePointer(256)) {
            av_strerror(errnum, buf, buf.capacity());
            return buf.getString().trim();
        }
    }

    /**
     * Finishes the file (the muxer's last packets) and closes it; the file stays whole whatever happens here.
     *
     * @throws IOException the last bytes could not be written; the segment is released anyway
     */
    @Override
    public void close() throws IOException {
        try {
            if (ctx != null && writeError == null) {
                WRITING.set(this);
                try {
                    check(av_write_trailer(ctx), "finishing the file");
                    avio_flush(io);
                    check(0, "flushing");
                } finally {
                    WRITING.remove();
                }
            }
        } finally {
            release();
        }
    }

    private void release() {
        if (io != null) {
            av_free(io.buffer());
            io.buffer(null);
            avio_context_free(io);
            io = null;
        }
        if (ctx != null) {
            ctx.pb(null);
            avformat_free_context(ctx);
            ctx = null;
        }
        av_packet_free(packet);
        try {
            channel.close();
        } catch (IOException e) {
            // Closing a file that could not be written: its error was already reported.
        }
    }
}
