package dev.castrelay.transcoder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where ingest video frames land on a rendition's output clock, one row per case. The input is a list of ingest
 * timestamps (ms), and {@code slate:N} for an ingest loss during which the slate fills N ms; the expected column is
 * each frame's output timestamp. The output's position follows {@link RenditionStream}'s constant-frame-rate slots:
 * a frame takes the slots up to its own, and an ending epoch gives its last picture its slot.
 */
class RenditionClockTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            the first epoch starts at 0 whatever the publisher's clock | 25 | 5000 5040 5080                 | 0 40 80
            a publisher counting from 0 keeps its timestamps          | 25 | 0 40 80                         | 0 40 80
            back from the slate the epoch continues where it stands   | 25 | 0 40 80 slate:1000 0 40         | 0 40 80 1120 1160
            a returning clock that barely moved does not overlap the slate | 25 | 1000 1040 slate:400 1080 1120 | 0 40 480 520
            a gap under the forward limit stays a gap                 | 25 | 0 40 1500 1540                  | 0 40 1500 1540
            a gap of exactly the forward limit is still a gap         | 25 | 0 40 2040                       | 0 40 2040
            just past the forward limit starts a new epoch            | 25 | 0 40 2041 2081                  | 0 40 80 120
            a jump far ahead continues after the last picture         | 25 | 0 40 80 10080 10120             | 0 40 80 120 160
            a step back within the limit keeps the epoch (dropped until caught up) | 25 | 1000 1040 1080 1120 800 840 | 0 40 80 120 -200 -160
            a step back past the limit starts a new epoch             | 25 | 1000 1040 1080 1120 0 40        | 0 40 80 120 160 200
            a restarted clock after the slate is just a new epoch     | 25 | 90000 90040 slate:200 0 40      | 0 40 280 320
            a fractional position is rounded up to a whole ms         | 30 | 0 33 slate:1000 5000            | 0 33 1067
            """)
    void framesLandOnTheOutputClock(String behaviour, double fps, String input, String expected) {
        Output output = new Output(1000.0 / fps);

        for (String token : input.trim().split("\\s+")) {
            if (token.startsWith("slate:")) {
                output.slate(Long.parseLong(token.substring("slate:".length())));
            } else {
                output.video(Long.parseLong(token));
            }
        }

        assertThat(output.timestamps).containsExactlyElementsOf(
                Arrays.stream(expected.trim().split("\\s+")).map(Long::parseLong).toList());
    }

    @Test
    void noOutputTimeOutsideAnEpoch() {
        RenditionClock clock = new RenditionClock();
        clock.begin(0, 0);
        clock.end();

        assertThat(clock.running()).isFalse();
        assertThatThrownBy(() -> clock.toOutput(40)).isInstanceOf(IllegalStateException.class);
    }

    /** The output side of a rendition, as {@link RenditionStream} drives the clock for video. */
    private static final class Output {

        private final RenditionClock clock = new RenditionClock();
        private final double frameMs;
        private final List<Long> timestamps = new ArrayList<>();
        private long nextFrame;
        private Long heldMs;

        Output(double frameMs) {
            this.frameMs = frameMs;
        }

        void video(long ingestMs) {
            if (!clock.running()) {
                clock.begin(ingestMs, frameMs * nextFrame);
            }
            if (clock.isJump(ingestMs, frameMs * nextFrame)) {
                endEpoch();
                clock.begin(ingestMs, frameMs * nextFrame);
            }
            long t = clock.toOutput(ingestMs);
            timestamps.add(t);
            while (frameMs * nextFrame < t - frameMs / 2) {
                nextFrame++; // the held picture, or this one before any, fills the slot
            }
            heldMs = t;
        }

        void slate(long ms) {
            endEpoch();
            nextFrame += Math.round(ms / frameMs);
        }

        private void endEpoch() {
            if (heldMs != null) {
                while (frameMs * nextFrame <= heldMs + frameMs / 2) {
                    nextFrame++;
                }
                heldMs = null;
            }
            clock.end();
        }
    }
}
