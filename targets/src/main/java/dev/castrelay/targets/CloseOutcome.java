package dev.castrelay.targets;

/**
 * Why a target's connection ended, which decides what the pusher does next: only an explicit refusal by the
 * platform counts towards {@code failed}; every other end is the network's and is retried quickly, forever.
 */
public sealed interface CloseOutcome {

    /** What {@code lastError} says. */
    String describe();

    /** Refused, reset, timed out, closed without a word: retried within {@code reconnect.maxSeconds}. */
    record NetworkFailure(String problem) implements CloseOutcome {
        @Override
        public String describe() {
            return problem;
        }
    }

    /** The platform answered connect or publish with an error (its words): backs off further, may fail. */
    record Refusal(String platformWords) implements CloseOutcome {
        @Override
        public String describe() {
            return "platform rejected the stream: " + platformWords;
        }
    }

    /** We cut a connection that accepted nothing for too long: a network failure of the slow kind. */
    record Stall(String problem) implements CloseOutcome {
        @Override
        public String describe() {
            return problem;
        }
    }

    /** We ended it on purpose (disable, restart, remove, the ingest ended): nothing to retry. */
    record OurClose() implements CloseOutcome {
        @Override
        public String describe() {
            return null;
        }
    }

    /**
     * What we know when a connection has closed.
     *
     * @param platformRefusal  the platform's onStatus error or {@code _error} answer, quoted; null without one
     * @param problem          the first problem seen (exception, timeout, our stall verdict); null without one
     * @param stalled          we closed it because the platform accepted nothing for too long
     * @param hangingUp        we were ending it on purpose (unpublish)
     * @param publishRequested we had asked to publish when it closed
     * @param liveMillis       how long it had been publishing (0: never accepted)
     * @param platform         host:port, for the words
     */
    record Facts(String platformRefusal, String problem, boolean stalled, boolean hangingUp,
                 boolean publishRequested, long liveMillis, String platform) {
    }

    /** A platform that hangs up this soon after accepting (or answering) a publish may have refused the key. */
    long SUSPICIOUS_CLOSE_MILLIS = 1_000;

    /** The outcome of a close; pure, so every case is a line of a table test. */
    static CloseOutcome classify(Facts f) {
        if (f.hangingUp()) {
            return new OurClose();
        }
        if (f.platformRefusal() != null) {
            return new Refusal(f.platformRefusal());
        }
        if (f.stalled()) {
            return new Stall(f.problem());
        }
        // A close or reset without a word is the network's until the platform says otherwise: a flaky link must
        // never silence a platform for the rest of the broadcast. Only the hint says what else it might be. A
        // platform that hangs up on a publish while our first packets are unread resets rather than closes.
        boolean atPublish = f.publishRequested() && f.liveMillis() < SUSPICIOUS_CLOSE_MILLIS;
        if (f.problem() != null) {
            return new NetworkFailure(atPublish ? f.problem() + " right after publish: the key may be wrong"
                    : f.problem());
        }
        return new NetworkFailure(atPublish
                ? "closed by " + f.platform() + " right after publish, without a word: the key may be wrong"
                : "connection closed by " + f.platform());
    }
}
