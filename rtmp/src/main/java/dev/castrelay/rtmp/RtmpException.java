package dev.castrelay.rtmp;

/**
 * A peer broke the RTMP protocol or one of our limits. The message says what was expected and what came; the
 * connection it happened on is closed, nothing else is affected.
 */
public class RtmpException extends RuntimeException {

    public RtmpException(String message) {
        super(message);
    }

    public RtmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
