package dev.castrelay.relay.alerts;

import java.time.Instant;

/**
 * One alert, as the alert document of PRODUCT.md gives it. Built by {@link AlertRules} with every secret already
 * masked: nothing here may hold a key or a token.
 *
 * @param target    the target's id, for {@code target.*}; else null
 * @param url       the target's URL with its key masked, for {@code target.*}; else null
 * @param rendition the rendition's id, for {@code rendition.slow}; else null
 * @param input     the input that is the program after an {@code ingest.failover}; else null
 * @param state     the state of what the alert is about: the target's ({@code reconnecting}), the ingest's
 *                  ({@code lost}) or the rendition's ({@code encoding})
 * @param detail    for people: what happened, and the last error
 */
public record Alert(AlertEvent event, Instant at, String target, String url, String rendition, String input,
                    String state, String detail) {

    static Alert target(AlertEvent event, Instant at, String target, String url, String state, String detail) {
        return new Alert(event, at, target, url, null, null, state, detail);
    }

    static Alert ingest(AlertEvent event, Instant at, String input, String state, String detail) {
        return new Alert(event, at, null, null, null, input, state, detail);
    }

    static Alert rendition(Instant at, String rendition, String state, String detail) {
        return new Alert(AlertEvent.RENDITION_SLOW, at, null, null, rendition, null, state, detail);
    }
}
