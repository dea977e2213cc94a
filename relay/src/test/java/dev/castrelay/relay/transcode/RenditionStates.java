package dev.castrelay.relay.transcode;

import dev.castrelay.relay.Relay;
import dev.castrelay.transcoder.RenditionHealth;
import dev.castrelay.transcoder.RenditionState;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/** Waits on the health view's rendition states, as an operator watching {@code relay health} would. */
final class RenditionStates {

    private RenditionStates() {
    }

    /** Waits until every rendition is in {@code state}; returns that health snapshot. Fails with what was seen. */
    static List<RenditionHealth> await(Relay relay, RenditionState state, Duration timeout) {
        AtomicReference<List<RenditionHealth>> seen = new AtomicReference<>(List.of());
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(20))
                .alias("every rendition " + state.id())
                .until(() -> {
                    List<RenditionHealth> now = relay.health().renditions();
                    seen.set(now);
                    return !now.isEmpty() && now.stream().allMatch(r -> r.state() == state);
                });
        return seen.get();
    }
}
