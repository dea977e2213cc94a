package dev.castrelay.ingest;

import java.util.Locale;

/** Which encoder an input is: the primary, or the backup on another machine and another uplink. */
public enum InputRole {
    PRIMARY,
    BACKUP;

    /** {@code primary} or {@code backup}, as the config, the API and the health document name it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public InputRole other() {
        return this == PRIMARY ? BACKUP : PRIMARY;
    }

    /** The role named {@code id}, or null. */
    public static InputRole fromId(String id) {
        for (InputRole r : values()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        return null;
    }
}
