package dev.castrelay.rtmp.media;

/**
 * The video codecs an RTMP ingest may carry: H.264 (legacy codec id 7, or FourCC {@code avc1}), and through Enhanced
 * RTMP HEVC ({@code hvc1}; also the unofficial legacy id 12 of Chinese CDNs), AV1 ({@code av01}) and VP9
 * ({@code vp09}), as OBS 30+ and FFmpeg 7 send them.
 */
public enum VideoCodec {
    H264("h264", "H.264", "avc1", 7, true),
    HEVC("hevc", "HEVC", "hvc1", 12, true),
    AV1("av1", "AV1", "av01", -1, false),
    VP9("vp9", "VP9", "vp09", -1, false);

    private final String id;
    private final String displayName;
    private final int fourCc;
    private final int legacyId;
    private final boolean compositionTime;

    VideoCodec(String id, String displayName, String fourCc, int legacyId, boolean compositionTime) {
        this.id = id;
        this.displayName = displayName;
        this.fourCc = (fourCc.charAt(0) << 24) | (fourCc.charAt(1) << 16) | (fourCc.charAt(2) << 8) | fourCc.charAt(3);
        this.legacyId = legacyId;
        this.compositionTime = compositionTime;
    }

    /** The name the health document and the API use: {@code h264}, {@code hevc}, {@code av1}, {@code vp9}. */
    public String id() {
        return id;
    }

    /** The codec's name for people: {@code H.264}, {@code HEVC}, {@code AV1}, {@code VP9}. */
    public String displayName() {
        return displayName;
    }

    /** Whether its coded frames carry a composition time offset (B-frames): H.264 and HEVC. */
    boolean hasCompositionTime() {
        return compositionTime;
    }

    static VideoCodec fromFourCc(int fourCc) {
        for (VideoCodec c : values()) {
            if (c.fourCc == fourCc) {
                return c;
            }
        }
        return null;
    }

    static VideoCodec fromLegacyId(int codecId) {
        for (VideoCodec c : values()) {
            if (c.legacyId == codecId) {
                return c;
            }
        }
        return null;
    }
}
