package dev.castrelay.ingest;

import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The measured half of the ingest's health: frame rate and bitrate, on a clock driven by hand. */
class IngestMonitorTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final IngestMonitor monitor = new IngestMonitor(clock::get);

    @Test
    void aLiveIngestReportsItsMeasuredFrameRateAndBitrate() {
        monitor.started();

        secondsOf(2, 25, 1_000);

        IngestHealth h = monitor.health();
        assertThat(h.video().fps()).isEqualTo(25.0);
        assertThat(h.bitrateKbps()).isEqualTo(25 * 1_000 * 8 / 1_000);
    }

    @Test
    void sequenceHeadersCountAsBytesButNotAsFrames() {
        monitor.started();

        feed(new byte[1_000], true, true);
        clock.addAndGet(1_000 * MS);

        assertThat(monitor.health().video().fps()).isZero();
        assertThat(monitor.health().bitrateKbps()).isEqualTo(8);
    }

    @Test
    void aLostIngestReportsNoRates() {
        monitor.started();
        secondsOf(2, 25, 1_000);

        monitor.ended();

        assertThat(monitor.health().video().fps()).isZero();
        assertThat(monitor.health().bitrateKbps()).isZero();
    }

    @Test
    void aNewSessionStartsFromNothing() {
        monitor.started();
        secondsOf(2, 25, 4_000);

        monitor.started();
        secondsOf(1, 10, 1_000);

        assertThat(monitor.health().video().fps()).isEqualTo(10.0);
        assertThat(monitor.health().bitrateKbps()).isEqualTo(80);
    }

    private void secondsOf(int seconds, int framesPerSecond, int bytesPerFrame) {
        for (int i = 0; i < seconds * framesPerSecond; i++) {
            feed(new byte[bytesPerFrame], i == 0, false);
            clock.addAndGet(1_000 * MS / framesPerSecond);
        }
    }

    /** An FLV AVC video tag: frame type and codec, then the AVC packet type (0 sequence header, 1 NAL units). */
    private void feed(byte[] body, boolean keyframe, boolean sequenceHeader) {
        body[0] = (byte) ((keyframe ? 0x10 : 0x20) | MediaPacket.CODEC_AVC);
        body[1] = (byte) (sequenceHeader ? 0 : 1);
        MediaPacket p = MediaPacket.of(MediaPacket.Kind.VIDEO, 0, Unpooled.wrappedBuffer(body));
        try {
            monitor.record(p);
        } finally {
            p.release();
        }
    }
}
