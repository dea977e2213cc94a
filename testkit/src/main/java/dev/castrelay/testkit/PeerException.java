package dev.castrelay.testkit;

/**
 * A real peer (nginx, ffmpeg, ffprobe, openssl) could not be started, misbehaved or timed out.
 * The message carries what the peer printed, so a failing test explains itself.
 */
public final class PeerException extends RuntimeException {

    public PeerException(String message) {
        super(message);
    }

    public PeerException(String message, Throwable cause) {
        super(message, cause);
    }
}
