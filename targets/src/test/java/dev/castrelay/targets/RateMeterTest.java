package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateMeterTest {

    @Test
    void reportsBitrateAndFpsOverItsWindow() {
        RateMeter meter = new RateMeter(5);

        secondsOf(meter, 5, 30, 1_000);

        assertThat(meter.fps()).isEqualTo(30.0);
        assertThat(meter.bitrateKbps()).isEqualTo(30 * 1_000 * 8 / 1_000);
    }

    @Test
    void countsTheSecondJustClosed() {
        RateMeter meter = new RateMeter(5);

        secondsOf(meter, 1, 25, 500);

        assertThat(meter.fps()).isEqualTo(25.0);
        assertThat(meter.bitrateKbps()).isEqualTo(100);
    }

    @Test
    void countsAudioBytesButNotAsFrames() {
        RateMeter meter = new RateMeter(5);

        meter.record(1_000, false);
        meter.tick();

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isEqualTo(8);
    }

    @Test
    void forgetsSecondsOlderThanItsWindow() {
        RateMeter meter = new RateMeter(5);
        secondsOf(meter, 5, 30, 1_000);

        secondsOf(meter, 5, 0, 0);

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isZero();
    }

    @Test
    void averagesOverTheWholeWindowOnceFull() {
        RateMeter meter = new RateMeter(5);
        secondsOf(meter, 4, 0, 0);

        secondsOf(meter, 1, 50, 1_000);

        assertThat(meter.fps()).isEqualTo(10.0);
    }

    @Test
    void resetStartsFromNothing() {
        RateMeter meter = new RateMeter(5);
        secondsOf(meter, 3, 30, 1_000);

        meter.reset();

        assertThat(meter.fps()).isZero();
        assertThat(meter.bitrateKbps()).isZero();
        secondsOf(meter, 1, 20, 1_000);
        assertThat(meter.fps()).isEqualTo(20.0);
    }

    private static void secondsOf(RateMeter meter, int seconds, int framesPerSecond, int bytesPerFrame) {
        for (int s = 0; s < seconds; s++) {
            for (int f = 0; f < framesPerSecond; f++) {
                meter.record(bytesPerFrame, true);
            }
            meter.tick();
        }
    }
}
