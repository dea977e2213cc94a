package dev.castrelay.config;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The platform rules table of the product page as code, and the check of a target's rendition against it: an
 * ERROR where the platform would refuse the stream, a WARNING where it would merely complain.
 *
 * <p>In the limit records, 0 (or an empty set, or a null aspect) means "no rule".
 */
public final class PlatformRules {

    /**
     * How a platform takes the stream: which URL schemes, or local disk for an archive (the product page's
     * "transport" column; not to be confused with {@code rtmp.Transport}, the sockets' epoll or NIO).
     */
    public enum Delivery { RTMP_OR_RTMPS, RTMPS_PREFERRED, RTMPS_ONLY, LOCAL_DISK }

    /** A frame shape, e.g. 9:16. */
    public record Aspect(int width, int height) {
        boolean matches(int w, int h) {
            // 1% slack: 608x1080 is a fine 9:16 even though 608/1080 is not exactly 0.5625.
            return Math.abs((double) w / h - (double) width / height) <= 0.01 * width / height;
        }

        @Override
        public String toString() {
            return width + ":" + height;
        }
    }

    /** Video limits; the long and short side cover both landscape and portrait frames. */
    public record VideoRules(int maxLongSide, int maxShortSide, double maxFps, long minBitrate, long maxBitrate,
                             Aspect aspect, String recommendedSize) {
    }

    /** Audio limits; every platform takes AAC. */
    public record AudioRules(Set<Integer> sampleRates, int channels, long maxBitrate) {
    }

    /**
     * Keyframe interval rules, in seconds.
     *
     * @param recommended warn when different
     * @param warnAbove   warn when longer
     * @param max         refuse when longer
     */
    public record KeyframeRules(double recommended, double warnAbove, double max) {
    }

    /** Everything one platform asks for. */
    public record Rules(Platform platform, Delivery delivery, boolean needsKey, VideoRules video,
                        AudioRules audio, KeyframeRules keyframes) {
    }

    private static final Set<Integer> AAC_44_48 = Set.of(44_100, 48_000);
    private static final VideoRules ANY_VIDEO = new VideoRules(0, 0, 0, 0, 0, null, null);
    private static final AudioRules ANY_AUDIO = new AudioRules(Set.of(), 0, 0);
    private static final Map<Platform, Rules> TABLE = new EnumMap<>(Platform.class);

    static {
        add(Platform.YOUTUBE, Delivery.RTMP_OR_RTMPS, new VideoRules(3840, 2160, 60, 0, 0, null, null),
                new AudioRules(AAC_44_48, 0, 0), new KeyframeRules(2, 0, 4));
        add(Platform.FACEBOOK, Delivery.RTMPS_ONLY, new VideoRules(1920, 1080, 60, 0, 9_000_000, null, null),
                new AudioRules(AAC_44_48, 2, 128_000), new KeyframeRules(2, 0, 4));
        add(Platform.INSTAGRAM, Delivery.RTMPS_ONLY,
                new VideoRules(0, 0, 0, 2_250_000, 6_000_000, new Aspect(9, 16), "720x1280"),
                new AudioRules(AAC_44_48, 2, 0), new KeyframeRules(2, 0, 0));
        // X asks for a keyframe at least every 3 s; 2 s (what every other platform wants) is fine.
        add(Platform.TWITTER, Delivery.RTMP_OR_RTMPS, new VideoRules(0, 0, 60, 0, 12_000_000, null, null),
                new AudioRules(Set.of(), 0, 128_000), new KeyframeRules(0, 3, 0));
        add(Platform.TWITCH, Delivery.RTMP_OR_RTMPS, new VideoRules(0, 0, 0, 0, 6_000_000, null, null),
                new AudioRules(Set.of(), 0, 320_000), new KeyframeRules(2, 0, 0));
        add(Platform.LINKEDIN, Delivery.RTMPS_PREFERRED,
                new VideoRules(0, 0, 30, 0, 6_000_000, new Aspect(16, 9), "1920x1080"),
                new AudioRules(Set.of(48_000), 0, 128_000), new KeyframeRules(2, 0, 0));
        TABLE.put(Platform.CUSTOM, new Rules(Platform.CUSTOM, Delivery.RTMP_OR_RTMPS, false, ANY_VIDEO, ANY_AUDIO,
                new KeyframeRules(0, 0, 0)));
        TABLE.put(Platform.ARCHIVE, new Rules(Platform.ARCHIVE, Delivery.LOCAL_DISK, false, ANY_VIDEO, ANY_AUDIO,
                new KeyframeRules(0, 0, 0)));
    }

    private static void add(Platform p, Delivery delivery, VideoRules video, AudioRules audio, KeyframeRules kf) {
        TABLE.put(p, new Rules(p, delivery, true, video, audio, kf));
    }

    private PlatformRules() {
    }

    public static Rules of(Platform platform) {
        return TABLE.get(platform);
    }

    /**
     * The problems of {@code target} carrying {@code rendition} on its platform. Paths are {@code <path>.url}
     * for the delivery and {@code <path>.rendition} for the media; messages name the rendition's key.
     *
     * @param path {@code targets[2]} or {@code targets[id=foo]}
     */
    public static List<Problem> check(String path, TargetConfig target, RenditionConfig rendition) {
        List<Problem> out = new ArrayList<>();
        if (target.platform() == Platform.ARCHIVE) {
            return out; // records whatever it is given
        }
        Rules rules = of(target.platform());
        String name = target.platform().id();
        String url = target.effectiveUrl();
        boolean rtmps = url != null && url.toLowerCase(Locale.ROOT).startsWith("rtmps://");
        if (!rtmps && rules.delivery() == Delivery.RTMPS_ONLY) {
            out.add(Problem.error(path + ".url", name + " accepts only rtmps:// URLs"));
        } else if (!rtmps && rules.delivery() == Delivery.RTMPS_PREFERRED) {
            out.add(Problem.warning(path + ".url", name + " prefers rtmps:// URLs"));
        }
        if (target.platform() == Platform.CUSTOM) {
            return out;
        }
        if (rendition.passthrough()) {
            // Nothing to check before the encoder connects: say so once rather than stay silent.
            out.add(Problem.warning(path + ".rendition", "rendition \"" + rendition.id() + "\" is passthrough: "
                    + name + " gets whatever the encoder sends; set the encoder to " + name + "'s rules"
                    + (target.platform().takesOnlyH264() ? " (" + name + " takes only H.264: an encoder sending "
                    + "HEVC or AV1 needs a transcoded rendition for it)" : "")
                    + (target.platform() == Platform.FACEBOOK || target.platform() == Platform.INSTAGRAM
                    ? "; an audio-only broadcast needs a transcoded rendition too: " + name + " refuses a stream "
                    + "without video, and only a transcoded rendition puts the slate in its place" : "")));
            return out;
        }
        String where = "renditions." + rendition.id();
        if (rendition.video() != null) {
            out.addAll(checkVideo(path + ".rendition", rules, rendition.video(), where + ".video"));
        }
        if (rendition.audio() != null) {
            out.addAll(checkAudio(path + ".rendition", rules, rendition.audio(), where + ".audio"));
        }
        return out;
    }

    /**
     * Video against a platform's rules; also usable on what an encoder actually sends.
     *
     * @param where the source of the numbers for messages, e.g. {@code renditions.main.video}
     */
    public static List<Problem> checkVideo(String path, Rules rules, VideoConfig v, String where) {
        List<Problem> out = new ArrayList<>();
        String name = rules.platform().id();
        VideoRules r = rules.video();
        int longSide = Math.max(v.width(), v.height());
        int shortSide = Math.min(v.width(), v.height());
        if (r.maxLongSide() > 0 && (longSide > r.maxLongSide() || shortSide > r.maxShortSide())) {
            out.add(Problem.error(path, name + " accepts at most " + r.maxLongSide() + "x" + r.maxShortSide()
                    + "; " + where + " is " + v.width() + "x" + v.height()));
        }
        if (r.aspect() != null && v.height() > 0 && !r.aspect().matches(v.width(), v.height())) {
            out.add(Problem.warning(path, name + " expects " + r.aspect() + " (" + r.recommendedSize()
                    + " recommended); " + where + " is " + v.width() + "x" + v.height()));
        }
        if (r.maxFps() > 0 && v.fps() > r.maxFps()) {
            out.add(Problem.error(path, name + " accepts at most " + number(r.maxFps()) + " fps; " + where
                    + ".fps is " + number(v.fps())));
        }
        if (r.maxBitrate() > 0 && v.bitrate() > r.maxBitrate()) {
            out.add(Problem.error(path, name + " accepts video up to " + Sizes.formatBitrate(r.maxBitrate())
                    + "; " + where + ".bitrate is " + Sizes.formatBitrate(v.bitrate())));
        } else if (r.minBitrate() > 0 && v.bitrate() < r.minBitrate()) {
            out.add(Problem.warning(path, name + " recommends video of at least " + Sizes.formatBitrate(r.minBitrate())
                    + "; " + where + ".bitrate is " + Sizes.formatBitrate(v.bitrate())));
        }
        KeyframeRules k = rules.keyframes();
        String keyframe = where + ".keyframeSeconds is " + number(v.keyframeSeconds());
        if (k.max() > 0 && v.keyframeSeconds() > k.max()) {
            out.add(Problem.error(path, name + " accepts a keyframe at least every " + number(k.max()) + " s; "
                    + keyframe));
        } else if (k.warnAbove() > 0 && v.keyframeSeconds() > k.warnAbove()) {
            out.add(Problem.warning(path, name + " asks for a keyframe at least every " + number(k.warnAbove())
                    + " s; " + keyframe));
        } else if (k.recommended() > 0 && v.keyframeSeconds() != k.recommended()) {
            out.add(Problem.warning(path, name + " recommends a keyframe every " + number(k.recommended()) + " s; "
                    + keyframe));
        }
        return out;
    }

    /** Audio against a platform's rules: every audio rule is one a platform complains about, none refuses. */
    public static List<Problem> checkAudio(String path, Rules rules, AudioConfig a, String where) {
        List<Problem> out = new ArrayList<>();
        String name = rules.platform().id();
        AudioRules r = rules.audio();
        if (!r.sampleRates().isEmpty() && !r.sampleRates().contains(a.sampleRate())) {
            out.add(Problem.warning(path, name + " expects audio at " + rates(r.sampleRates()) + "; " + where
                    + ".sampleRate is " + a.sampleRate()));
        }
        if (r.channels() > 0 && a.channels() != r.channels()) {
            out.add(Problem.warning(path, name + " expects " + (r.channels() == 2 ? "stereo" : r.channels()
                    + " channels") + " audio; " + where + ".channels is " + a.channels()));
        }
        if (r.maxBitrate() > 0 && a.bitrate() > r.maxBitrate()) {
            out.add(Problem.warning(path, name + " takes audio up to " + Sizes.formatBitrate(r.maxBitrate()) + "; "
                    + where + ".bitrate is " + Sizes.formatBitrate(a.bitrate())));
        }
        return out;
    }

    private static String rates(Set<Integer> rates) {
        return String.join(" or ", rates.stream().sorted().map(r -> r % 1000 == 0 ? r / 1000 + " kHz"
                : String.format(Locale.ROOT, "%.1f kHz", r / 1000.0)).toList());
    }

    /** 30.0 -> "30", 29.97 -> "29.97". */
    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
