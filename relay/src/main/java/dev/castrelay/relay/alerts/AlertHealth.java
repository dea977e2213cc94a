package dev.castrelay.relay.alerts;

/**
 * One alert endpoint's delivery, for the health document, the CLI and metrics.
 *
 * @param endpoint  {@code alerts[0]}: its place in the config (its URL may hold a token, so it is no label)
 * @param url       the URL with its token masked
 * @param state     {@code ok} (the last delivery went through, or none was needed yet) or {@code failing}
 *                  (retrying)
 * @param sent      alerts delivered (answered 2xx)
 * @param failed    delivery attempts that failed (no answer, refused, timed out, not 2xx)
 * @param dropped   alerts given up: pushed out of a full queue, or refused by the endpoint with a 4xx
 * @param queued    alerts waiting, the one in flight included
 * @param lastError why the last attempt failed, or null
 */
public record AlertHealth(String endpoint, String url, String state, long sent, long failed, long dropped,
                          int queued, String lastError) {

    public static final String OK = "ok";
    public static final String FAILING = "failing";
}
