package dev.castrelay.transcoder;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rendition's figures on a clock driven by hand: 20 video frames a second, each with 100 bytes of audio (50 ms
 * apart: six in each 300 ms bucket of the 3 s window, so the figures are exact).
 */
class HealthMeterTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final HealthMeter meter = new HealthMeter("r", clock::get);

    @Test
    void reportsFramesBitrateAndSpeedOverTheWindow() {
        encode(3, 2_000, 10 * MS); // 10 ms of work per 50 ms frame: 5x real time

        meter.sample(RenditionState.ENCODING, null, true);

        RenditionHealth h = meter.snapshot();
        assertThat(h.fps()).isEqualTo(20.0);
        assertThat(h.bitrateKbps()).isEqualTo(20 * (2_000 + 100) * 8 / 1_000);
        assertThat(h.speed()).isEqualTo(5.0);
    }

    @Test
    void speedFollowsTheLastSecondsOfWork() {
        encode(3, 2_000, 10 * MS);

        encode(3, 2_000, 100 * MS); // now slower than real time

        meter.sample(RenditionState.ENCODING, null, true);
        assertThat(meter.snapshot().speed()).isEqualTo(0.5);
    }

    @Test
    void aSampleIsTakenAtMostEveryQuarterSecondUnlessForced() {
        meter.sample(RenditionState.ENCODING, null, true);

        clock.addAndGet(100 * MS);
        meter.sample(RenditionState.SLATE, null, false);
        assertThat(meter.snapshot().state()).isEqualTo(RenditionState.ENCODING);
        meter.sample(RenditionState.SLATE, null, true);
        assertThat(meter.snapshot().state()).isEqualTo(RenditionState.SLATE);

        clock.addAndGet(250 * MS);
        meter.sample(RenditionState.IDLE, null, false);
        assertThat(meter.snapshot().state()).isEqualTo(RenditionState.IDLE);
    }

    /** One video frame per 50 ms, with its media time, {@code busyPerFrame} of work and 100 bytes of audio. */
    private void encode(int seconds, int frameBytes, long busyPerFrame) {
        for (int f = 0; f < seconds * 20; f++) {
            meter.onVideoFrame(frameBytes);
            meter.onAudioBytes(100);
            meter.onMedia(50);
            meter.onBusy(busyPerFrame);
            clock.addAndGet(50 * MS);
        }
    }
}
