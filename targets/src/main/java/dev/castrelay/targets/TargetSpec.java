package dev.castrelay.targets;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.media.VideoCodec;
import dev.castrelay.rtmp.media.VideoTag;

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

    /**
     * Why this platform cannot use a stream with this video sequence header, or null: a platform that takes only
     * H.264, sent another codec through a passthrough rendition (an encoder set to HEVC or AV1), will refuse or
     * show nothing, and the operator must hear why.
     */
    public String codecProblem(MediaPacket videoHeader) {
        if (!h264Only) {
            return null;
        }
        VideoTag tag = VideoTag.parse(videoHeader.payload());
        VideoCodec codec = tag == null ? null : tag.codec();
        return codec == null || codec == VideoCodec.H264 ? null
                : platform + " takes only H.264, and rendition '" + rendition + "' passes the encoder's "
                + codec.displayName() + " through: give this target a transcoded rendition, or set the encoder to "
                + "H.264";
    }

    @Override
    public String toString() {
        return "TargetSpec[id=" + id + ", platform=" + platform + ", rendition=" + rendition + ", url=" + maskedUrl
                + "]";
    }
}
