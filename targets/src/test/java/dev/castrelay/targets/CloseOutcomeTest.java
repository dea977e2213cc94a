package dev.castrelay.targets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every way a target's connection ends, and what the pusher makes of it. */
class CloseOutcomeTest {

    private static final String HOST = "live.example:1935";

    static Stream<Arguments> closes() {
        return Stream.of(
                Arguments.of("we unpublished", facts(null, null, false, true, true, 60_000),
                        CloseOutcome.OurClose.class, null),
                Arguments.of("onStatus error to publish", facts("NetStream.Publish.BadName: bad key", null, false,
                        false, true, 0), CloseOutcome.Refusal.class,
                        "platform rejected the stream: NetStream.Publish.BadName: bad key"),
                Arguments.of("refusal wins over the reset that follows it", facts("NetConnection.Connect.Rejected",
                        "connection reset by " + HOST, false, false, true, 0), CloseOutcome.Refusal.class,
                        "platform rejected the stream: NetConnection.Connect.Rejected"),
                Arguments.of("connection refused", facts(null, "connection refused by " + HOST, false, false, false, 0),
                        CloseOutcome.NetworkFailure.class, "connection refused by " + HOST),
                Arguments.of("stalled", facts(null, "stalled: " + HOST + " accepted nothing for 10 s", true, false,
                        true, 30_000), CloseOutcome.Stall.class, "stalled: " + HOST + " accepted nothing for 10 s"),
                Arguments.of("reset in answer to publish, no word", facts(null, "connection reset by " + HOST,
                        false, false, true, 0), CloseOutcome.NetworkFailure.class,
                        "connection reset by " + HOST + " right after publish: the key may be wrong"),
                Arguments.of("reset after minutes live", facts(null, "connection reset by " + HOST, false, false,
                        true, 180_000), CloseOutcome.NetworkFailure.class, "connection reset by " + HOST),
                Arguments.of("closed in answer to publish, no word", facts(null, null, false, false, true, 0),
                        CloseOutcome.NetworkFailure.class,
                        "closed by " + HOST + " right after publish, without a word: the key may be wrong"),
                Arguments.of("closed 300 ms after Publish.Start, no word", facts(null, null, false, false, true, 300),
                        CloseOutcome.NetworkFailure.class,
                        "closed by " + HOST + " right after publish, without a word: the key may be wrong"),
                Arguments.of("closed after minutes live, no word", facts(null, null, false, false, true, 180_000),
                        CloseOutcome.NetworkFailure.class, "connection closed by " + HOST),
                Arguments.of("closed before publish, no word", facts(null, null, false, false, false, 0),
                        CloseOutcome.NetworkFailure.class, "connection closed by " + HOST));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("closes")
    void eachCloseHasItsOutcome(String name, CloseOutcome.Facts facts, Class<?> kind, String lastError) {
        CloseOutcome outcome = CloseOutcome.classify(facts);

        assertThat(outcome).isInstanceOf(kind);
        assertThat(outcome.describe()).isEqualTo(lastError);
    }

    private static CloseOutcome.Facts facts(String refusal, String problem, boolean stalled, boolean hangingUp,
                                            boolean publishRequested, long liveMillis) {
        return new CloseOutcome.Facts(refusal, problem, stalled, hangingUp, publishRequested, liveMillis, HOST);
    }
}
