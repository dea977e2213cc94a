package dev.castrelay.relay.demo;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVIOInterruptCB;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;

import static org.bytedeco.ffmpeg.global.avcodec.*;
import static org.bytedeco.ffmpeg.global.avformat.*;
import static org.bytedeco.ffmpeg.global.avutil.*;

/**
 * FFmpeg's FLV muxer writing to FFmpeg's own RTMP client ({@code avio_open2} on an {@code rtmp://} URL), as
 * {@code ffmpeg -f flv rtmp://...} does: the demo's publisher is someone else's RTMP code, so the demo exercises the
 * relay's ingest the way a real encoder would. One video and one audio stream, added from their open encoders.
 *
 * <p>Owned by the encoder thread. The URL holds the stream key: it is never part of a message.
 */
final class FlvPublisher implements AutoCloseable {

    /** How long one network write may block before the publish fails (FFmpeg's {@code rw_timeout}, in µs). */
    private static final String WRITE_TIMEOUT_MICROS = "5000000";

    private final AVFormatContext format = new AVFormatContext(null);
    private AVStream video;
    private AVStream audio;
    private boolean headerWritten;

    FlvPublisher(String url) {
        DemoException.check(avformat_alloc_output_context2(format, null, "flv", (String) null), "setting up the FLV muxer");
        AVIOContext io = new AVIOContext(null);
        AVDictionary options = new AVDictionary(null);
        av_dict_set(options, "rw_timeout", WRITE_TIMEOUT_MICROS, 0);
        try {
            DemoException.check(avio_open2(io, url, AVIO_FLAG_WRITE, (AVIOInterruptCB) null, options),
                    "connecting to the relay's ingest over RTMP");
        } catch (RuntimeException e) {
            avformat_free_context(format);
            throw e;
        } finally {
            av_dict_free(options);
        }
        format.pb(io);
    }

    /** Adds the video stream (none when null), then the audio stream, then writes the header and sequence headers. */
    void start(AVCodecContext videoEncoder, AVCodecContext audioEncoder) {
        video = videoEncoder == null ? null : stream(videoEncoder);
        audio = stream(audioEncoder);
        DemoException.check(avformat_write_header(format, (AVDictionary) null), "writing the FLV header");
        headerWritten = true;
    }

    private AVStream stream(AVCodecContext encoder) {
        AVStream s = avformat_new_stream(format, null);
        DemoException.check(avcodec_parameters_from_context(s.codecpar(), encoder), "describing a stream");
        s.time_base(encoder.time_base());
        return s;
    }

    void writeVideo(AVPacket packet, AVCodecContext encoder) {
        write(packet, encoder, video);
    }

    void writeAudio(AVPacket packet, AVCodecContext encoder) {
        write(packet, encoder, audio);
    }

    private void write(AVPacket packet, AVCodecContext encoder, AVStream stream) {
        packet.stream_index(stream.index());
        av_packet_rescale_ts(packet, encoder.time_base(), stream.time_base());
        DemoException.check(av_interleaved_write_frame(format, packet), "publishing to the relay");
    }

    /** Writes the trailer (FFmpeg's client then unpublishes) and closes the connection. */
    @Override
    public void close() {
        try {
            if (headerWritten) {
                av_write_trailer(format);
            }
        } finally {
            avio_closep(format.pb());
            avformat_free_context(format);
        }
    }
}
