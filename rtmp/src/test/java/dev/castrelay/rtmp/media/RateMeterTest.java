package dev.castrelay.rtmp.media;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rate meter on a clock driven by hand. A 5 s window has buckets of 500 ms; frames at 20 per second put ten in
 * each bucket, so the figures are exact.
 */
class RateMeterTest {

    private static final long MS = 1_000_000L;
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final RateMeter meter = new RateMeter(Duration.ofSeconds(5), clock::get);

    @Test
    void reportsBitrateAndFpsOverItsWindow() {
        secondsOf(5, 20, 1_000);

        assertThat(meter.fps()).isEqualTo(20.0);
        assertThat(meter.bitrateKbps()).isEqualTo(20 * 1_000 * 8 / 1_000);
    }

    @Test
    void averagesOverTheTimeSinceItStartedUntilTheWindowHasFilled() {
        secondsOf(2, 25, 500);

        assertThat(meter.fps()).isEqualTo(25.0);
        assertThat(meter.bitrateKbps()).isEqualTo(100);
    }

    @Test
    void aFewPacketsJustAfterTheStartAreNotBlownUpIntoAHugeRate() {
        meter.record(1_000, true);
        clock.addAndGet(10 * MS);
        meter.record(1_000, true);

        assertThat(meter.fps()).isEqualTo(2.0); // over the one-second minimum span, not 10 ms
        assertThat(meter.bitrateKbps()).isEqualTo(16);
    }

    @Test
    void countsAudioBytesButNotAsFrames() {
        meter.record(1_000, false);
        clock.addAndGet(1_000 * MS);

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isEqualTo(8);
    }

    @Test
    void forgetsWhatIsOlderThanItsWindow() {
        secondsOf(5, 20, 1_000);

        clock.addAndGet(5_000 * MS);

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isZero();
    }

    @Test
    void aStoppedFlowFadesOutOverTheWindow() {
        secondsOf(5, 20, 1_000);

        clock.addAndGet(2_500 * MS);

        // The window now reaches back to 2 s of the 5 s of frames: 40 frames over 4.5 s.
        assertThat(meter.fps()).isEqualTo(40 / 4.5);
    }

    @Test
    void resetStartsFromNothing() {
        secondsOf(3, 20, 1_000);

        meter.reset();

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isZero();
        secondsOf(1, 20, 1_000);
        assertThat(meter.fps()).isEqualTo(20.0);
    }

    /** Frames evenly spread over whole seconds, the clock left at the end of the last one. */
    private void secondsOf(int seconds, int framesPerSecond, int bytesPerFrame) {
        long step = 1_000 * MS / framesPerSecond;
        for (int i = 0; i < seconds * framesPerSecond; i++) {
            meter.record(bytesPerFrame, true);
            clock.addAndGet(step);
        }
    }
}
