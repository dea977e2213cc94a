package dev.castrelay.ingest.srt;

/**
 * What an SRT caller asks for in its {@code streamid}: the application and the stream key. Two forms are read: the
 * SRT Access Control syntax ({@code #!::r=live/KEY,m=publish}, keys in any order, as OBS, vMix and SRT Live Server
 * users write it), and the plain resource ({@code live/KEY}).
 *
 * @param app the part of the resource before the first slash
 * @param key the rest: the stream key. A secret: never printed ({@link #toString()} masks it)
 */
public record StreamId(String app, String key) {

    private static final String ACCESS_CONTROL_PREFIX = "#!::";

    /**
     * Reads {@code text}.
     *
     * @throws IllegalArgumentException saying what was expected, never quoting the text (it holds the key)
     */
    public static StreamId parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("no streamid: expected streamid=#!::r=<app>/<stream key>,m=publish");
        }
        String resource = text;
        if (text.startsWith(ACCESS_CONTROL_PREFIX)) {
            resource = null;
            for (String pair : text.substring(ACCESS_CONTROL_PREFIX.length()).split(",")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (name.equals("r")) {
                    resource = value;
                } else if (name.equals("m") && !value.equals("publish")) {
                    // SRT Access Control: request (play) and bidirectional; the relay only receives.
                    throw new IllegalArgumentException("streamid mode m=" + safe(value) + ": this relay only "
                            + "receives streams (m=publish)");
                }
            }
            if (resource == null) {
                throw new IllegalArgumentException("streamid without a resource: expected #!::r=<app>/<stream key>"
                        + ",m=publish");
            }
        }
        int slash = resource.indexOf('/');
        if (slash <= 0 || slash == resource.length() - 1) {
            throw new IllegalArgumentException("streamid resource is not <app>/<stream key> (e.g. live/KEY)");
        }
        return new StreamId(resource.substring(0, slash), resource.substring(slash + 1));
    }

    /** A mode is a short word; anything else is not echoed into a log. */
    private static String safe(String value) {
        return value.matches("[a-z]{1,16}") ? value : "(unreadable)";
    }

    @Override
    public String toString() {
        return "StreamId[app=" + app + ", key=****]";
    }
}
