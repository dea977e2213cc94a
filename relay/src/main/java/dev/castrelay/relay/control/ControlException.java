package dev.castrelay.relay.control;

/**
 * Why the relay with its control API could not start: a state file it refuses, a token it will not serve
 * without, a port it cannot bind. The message is for the operator, one line, without secrets.
 */
public final class ControlException extends RuntimeException {

    public ControlException(String message) {
        super(message);
    }

    public ControlException(String message, Throwable cause) {
        super(message, cause);
    }
}
