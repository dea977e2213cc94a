package dev.castrelay.targets;

/**
 * What a target does after its connection ended, by cause (PRODUCT.md, "Reconnect"): the network's failures are
 * retried on the short backoff, forever; the platform's explicit refusals back off further and, after
 * {@code reconnect.maxRefusals} in a row, make the target {@code failed}. Not thread-safe: owned by one pusher's
 * event loop.
 */
final class ReconnectPolicy {

    /** The pusher's next step. */
    sealed interface Decision {
        /** What {@code lastError} says from now on; null for our own close. */
        String lastError();
    }

    /** Try again after {@code delayMillis}. */
    record Retry(long delayMillis, String lastError) implements Decision {
    }

    /** Stop trying: the platform said no too often. */
    record GiveUp(String reason, String lastError) implements Decision {
    }

    /** We ended it ourselves: nothing to do. */
    record Nothing() implements Decision {
        @Override
        public String lastError() {
            return null;
        }
    }

    private final Backoff network;
    private final Backoff refusals;
    private final int maxRefusals;
    private int refusalsInARow;

    ReconnectPolicy(PusherSettings settings) {
        this(settings.newBackoff(), settings.newRefusalBackoff(), settings.maxRejections());
    }

    ReconnectPolicy(Backoff network, Backoff refusals, int maxRefusals) {
        this.network = network;
        this.refusals = refusals;
        this.maxRefusals = maxRefusals;
    }

    /** The connection that ended had been live for {@code liveMillis} and ended for {@code outcome}. */
    Decision afterClose(CloseOutcome outcome, long liveMillis) {
        network.connectionEnded(liveMillis);
        refusals.connectionEnded(liveMillis);
        if (outcome instanceof CloseOutcome.OurClose) {
            return new Nothing();
        }
        if (outcome instanceof CloseOutcome.Refusal) {
            refusalsInARow++;
            if (refusalsInARow >= maxRefusals) {
                return new GiveUp("gave up after " + refusalsInARow + " refusals in a row", outcome.describe());
            }
            return new Retry(refusals.nextDelayMillis(), outcome.describe());
        }
        // NetworkFailure or Stall: the network's fault, not the platform's word. Quick retries, forever, and the
        // refusal count starts over.
        refusalsInARow = 0;
        refusals.reset();
        return new Retry(network.nextDelayMillis(), outcome.describe());
    }

    /** The operator restarted or enabled the target: a fresh start, with no memory of past failures. */
    void reset() {
        refusalsInARow = 0;
        network.reset();
        refusals.reset();
    }
}
