package dev.castrelay.config;

/** Platform presets: each knows its default ingest URL (rules live in {@code PlatformRules}). */
public enum Platform {
    YOUTUBE("youtube", "rtmps://a.rtmps.youtube.com:443/live2"),
    FACEBOOK("facebook", "rtmps://live-api-s.facebook.com:443/rtmp/"),
    INSTAGRAM("instagram", null),
    TWITTER("twitter", "rtmp://va.pscp.tv:80/x/"),
    TWITCH("twitch", "rtmp://live.twitch.tv/app/"),
    LINKEDIN("linkedin", null),
    CUSTOM("custom", null),
    /** Not a platform: the rendition recorded on local disk ({@code file:///dir/}). */
    ARCHIVE("archive", null);

    private final String id;
    private final String defaultUrl;

    Platform(String id, String defaultUrl) {
        this.id = id;
        this.defaultUrl = defaultUrl;
    }

    /** The name used in config files and the API. */
    public String id() {
        return id;
    }

    /** The preset URL, or null where the platform issues one per broadcast. */
    public String defaultUrl() {
        return defaultUrl;
    }

    /**
     * Whether the platform takes only H.264 video: all but YouTube (which takes HEVC and AV1 through Enhanced RTMP)
     * and custom destinations; the archive records anything. A passthrough rendition carrying an encoder's HEVC or
     * AV1 fails there.
     */
    public boolean takesOnlyH264() {
        return this != YOUTUBE && this != CUSTOM && this != ARCHIVE;
    }

    /** Parses a config name; {@code x} is an alias of {@code twitter}. Null when unknown. */
    public static Platform fromId(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        if (n.equals("x")) {
            return TWITTER;
        }
        for (Platform p : values()) {
            if (p.id.equals(n)) {
                return p;
            }
        }
        return null;
    }
}
