package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpUrl;

/**
 * What a pusher publishes to. {@code publishUrl} holds the key: it never leaves this record except to the
 * platform; {@link #maskedUrl()} is what people see.
 *
 * @param caFile   extra CA (PEM) to trust for rtmps://, or null
 * @param h264Only the platform takes only H.264 video (its pusher says so when it is sent something else)
 */
public record TargetSpec(String id, String platform, String rendition, String publishUrl, String maskedUrl,
                         String caFile, boolean h264Only) {

    /** A destination that takes any codec. */
    public TargetSpec(String id, String platform, String rendition, String publishUrl, String maskedUrl,
                      String caFile) {
        this(id, platform, rendition, publishUrl, maskedUrl, caFile, false);
    }

    public RtmpUrl rtmpUrl() {
        return RtmpUrl.parse(publishUrl);
    }

    @Override
    public String toString() {
        return "TargetSpec[id=" + id + ", platform=" + platform + ", rendition=" + rendition + ", url=" + maskedUrl
                + "]";
    }
}
