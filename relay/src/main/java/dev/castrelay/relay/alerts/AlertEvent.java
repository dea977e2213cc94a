package dev.castrelay.relay.alerts;

/** What an alert tells, named as the alert document names it ({@code event}). */
public enum AlertEvent {
    /** A target not live for {@code downSeconds} while the ingest is. */
    TARGET_DOWN("target.down"),
    /** A target stopped retrying (the platform refused it). */
    TARGET_FAILED("target.failed"),
    /** A target that was down or failed has been live again for a while. */
    TARGET_RECOVERED("target.recovered"),
    /** No input is publishing: the slate is on air. */
    INGEST_LOST("ingest.lost"),
    /** The ingest that was lost has been live again for a while. */
    INGEST_RECOVERED("ingest.recovered"),
    /** The program switched between the primary and the backup input. */
    INGEST_FAILOVER("ingest.failover"),
    /** A rendition has encoded below real time for 10 s: its targets fall behind. */
    RENDITION_SLOW("rendition.slow");

    private final String id;

    AlertEvent(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Bad news, as opposed to a recovery (the Slack payload marks them apart). */
    public boolean isProblem() {
        return this != TARGET_RECOVERED && this != INGEST_RECOVERED;
    }
}
