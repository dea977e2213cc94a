package dev.castrelay.config;

import java.util.Locale;

/** What an {@code alerts} endpoint receives in each POST. */
public enum AlertFormat {
    /** The alert document of PRODUCT.md. */
    JSON,
    /** A {@code {"text": ...}} payload, as Slack's and Mattermost's incoming webhooks take it. */
    SLACK;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
