package dev.castrelay.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {

    /** random() = 0.5 gives a jitter factor of exactly 1. */
    private static final double NO_JITTER = 0.5;

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        Backoff backoff = new Backoff(500, 4_000, 60_000, () -> NO_JITTER);

        assertThat(delays(backoff, 6)).containsExactly(500L, 1_000L, 2_000L, 4_000L, 4_000L, 4_000L);
    }

    @Test
    void jitterStaysWithinTwentyPercentOfTheStep() {
        Backoff low = new Backoff(1_000, 30_000, 60_000, () -> 0.0);
        Backoff high = new Backoff(1_000, 30_000, 60_000, () -> 0.999_999);

        assertThat(delays(low, 3)).containsExactly(800L, 1_600L, 3_200L);
        assertThat(delays(high, 3)).containsExactly(1_200L, 2_400L, 4_800L);
    }

    @Test
    void jitterNeverGoesPastTheCap() {
        Backoff backoff = new Backoff(1_000, 4_000, 60_000, () -> 0.999_999);

        assertThat(delays(backoff, 6)).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(4_000L))
                .endsWith(4_000L, 4_000L);
    }

    @Test
    void realJitterStaysWithinItsBounds() {
        Backoff backoff = new Backoff(1_000, 30_000, 60_000);

        for (int round = 0; round < 200; round++) {
            assertThat(backoff.nextDelayMillis()).isBetween(800L, 1_200L);
            backoff.reset();
        }
    }

    @Test
    void startsOverAfterAConnectionLiveForTheResetPeriod() {
        Backoff backoff = new Backoff(500, 4_000, 60_000, () -> NO_JITTER);
        delays(backoff, 3);

        backoff.connectionEnded(60_000);

        assertThat(backoff.nextDelayMillis()).isEqualTo(500);
    }

    @Test
    void keepsGrowingAfterAShortLivedConnection() {
        Backoff backoff = new Backoff(500, 4_000, 60_000, () -> NO_JITTER);
        delays(backoff, 3);

        backoff.connectionEnded(59_999);

        assertThat(backoff.nextDelayMillis()).isEqualTo(4_000);
    }

    @Test
    void defaultNetworkBackoffIsOneSecondDoublingToFive() {
        Backoff backoff = PusherSettings.DEFAULT.newBackoff();
        List<Long> steps = delays(backoff, 6);

        assertThat(steps.get(0)).isBetween(800L, 1_200L);
        assertThat(steps.get(1)).isBetween(1_600L, 2_400L);
        assertThat(steps.subList(3, 6)).allSatisfy(d -> assertThat(d).isBetween(4_000L, 5_000L));
    }

    @Test
    void defaultRefusalBackoffGrowsToAMinute() {
        List<Long> steps = delays(PusherSettings.DEFAULT.newRefusalBackoff(), 8);

        assertThat(steps.get(7)).isBetween(48_000L, 60_000L);
    }

    @Test
    void refusesACapBelowTheInitialDelay() {
        assertThatThrownBy(() -> new Backoff(2_000, 1_000, 60_000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2000..1000");
    }

    private static List<Long> delays(Backoff backoff, int count) {
        List<Long> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(backoff.nextDelayMillis());
        }
        return list;
    }
}
