package dev.castrelay.targets;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What a target does after each kind of close, in sequences as a live event produces them. */
class ReconnectDecisionsTest {

    private static final CloseOutcome NETWORK = new CloseOutcome.NetworkFailure("connection refused by p:1935");
    private static final CloseOutcome REFUSAL = new CloseOutcome.Refusal("NetStream.Publish.BadName: bad key");
    private static final CloseOutcome STALL = new CloseOutcome.Stall("stalled: p:1935 accepted nothing for 10 s");

    /** 1 s doubling to 5 s after the network; to 60 s after refusals; failed after 3 refusals. No jitter. */
    private static ReconnectPolicy policy() {
        return new ReconnectPolicy(new Backoff(1_000, 5_000, 10_000, () -> 0.5),
                new Backoff(1_000, 60_000, 10_000, () -> 0.5), 3);
    }

    private static List<String> run(ReconnectPolicy policy, CloseOutcome... closes) {
        List<String> steps = new ArrayList<>();
        for (CloseOutcome c : closes) {
            ReconnectPolicy.Decision d = policy.afterClose(c, 0);
            if (d instanceof ReconnectPolicy.Retry r) {
                steps.add("retry " + r.delayMillis());
            } else if (d instanceof ReconnectPolicy.GiveUp g) {
                steps.add("failed: " + g.reason());
            } else {
                steps.add("nothing");
            }
        }
        return steps;
    }

    @Test
    void networkFailuresRetryForeverWithinTheCap() {
        CloseOutcome[] twelve = new CloseOutcome[12];
        java.util.Arrays.fill(twelve, NETWORK);
        assertThat(run(policy(), twelve)).containsExactly("retry 1000", "retry 2000", "retry 4000", "retry 5000",
                "retry 5000", "retry 5000", "retry 5000", "retry 5000", "retry 5000", "retry 5000", "retry 5000",
                "retry 5000");
    }

    @Test
    void threeRefusalsInARowFailTheTarget() {
        assertThat(run(policy(), REFUSAL, REFUSAL, REFUSAL)).containsExactly("retry 1000", "retry 2000",
                "failed: gave up after 3 refusals in a row");
    }

    @Test
    void aNetworkFailureBetweenRefusalsStartsTheCountOver() {
        assertThat(run(policy(), REFUSAL, REFUSAL, NETWORK, REFUSAL, REFUSAL, STALL)).containsExactly(
                "retry 1000", "retry 2000", "retry 1000", "retry 1000", "retry 2000", "retry 2000");
    }

    @Test
    void ourOwnCloseIsNotRetried() {
        assertThat(run(policy(), new CloseOutcome.OurClose())).containsExactly("nothing");
    }

    @Test
    void theRefusalsWordsBecomeTheLastError() {
        assertThat(policy().afterClose(REFUSAL, 0).lastError())
                .isEqualTo("platform rejected the stream: NetStream.Publish.BadName: bad key");
    }

    @Test
    void aConnectionLiveForLongStartsTheDelaysOver() {
        ReconnectPolicy p = policy();
        run(p, NETWORK, NETWORK, NETWORK);
        assertThat(((ReconnectPolicy.Retry) p.afterClose(NETWORK, 60_000)).delayMillis()).isEqualTo(1_000);
    }

    @Test
    void resetForgetsTheRefusals() {
        ReconnectPolicy p = policy();
        run(p, REFUSAL, REFUSAL);
        p.reset();
        assertThat(run(p, REFUSAL, REFUSAL)).containsExactly("retry 1000", "retry 2000");
    }
}
