package dev.castrelay.ingest;

/** The ingest layer's one exception type: the ingest could not start (its address is taken, say), for people. */
public final class IngestException extends RuntimeException {

    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
