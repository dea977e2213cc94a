package dev.castrelay.relay.cli;

/**
 * A command that talks to the relay could not do its job; the message is the one line printed after
 * {@code relay: }, saying what failed and what to do, never holding a key or token.
 */
final class CliFailure extends Exception {

    /** Why: {@code relay health} answers UNKNOWN for the first two, CRITICAL or WARNING never come from here. */
    enum Kind { UNREACHABLE, UNAUTHORIZED, REFUSED, LOCAL }

    private final Kind kind;

    CliFailure(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
