package dev.castrelay.config;

import java.util.List;
import java.util.Set;

/** Checks of one rendition on its own: codec, frame, rate and encoder settings. Platform rules come later. */
final class RenditionChecks {

    /** Encoders and scalers handle any size, but 8K is the largest any platform takes. */
    static final int MAX_DIMENSION = 8192;
    static final Set<String> PRESETS = Set.of("ultrafast", "superfast", "veryfast", "faster", "fast", "medium",
            "slow", "slower", "veryslow");
    static final Set<String> PROFILES = Set.of("baseline", "main", "high");
    /** The sample rates AAC defines. */
    static final Set<Integer> SAMPLE_RATES = Set.of(8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100,
            48000, 64000, 88200, 96000);

    private RenditionChecks() {
    }

    static void check(String path, String id, RenditionConfig r, List<Problem> out) {
        if (!ConfigValidator.ID.matcher(id).matches()) {
            out.add(Problem.error(path, "a rendition id is 1 to 64 letters, digits, '_', '-' or '.'"));
        }
        if (r == null) {
            out.add(Problem.error(path, "required: passthrough: true, or video and audio settings"));
            return;
        }
        if (r.passthrough()) {
            // Nothing is encoded, so settings would be silently ignored: refuse them instead.
            if (r.video() != null) {
                out.add(Problem.error(path + ".video", "a passthrough rendition forwards the ingest untouched: "
                        + "remove video, or set passthrough: false"));
            }
            if (r.audio() != null) {
                out.add(Problem.error(path + ".audio", "a passthrough rendition forwards the ingest untouched: "
                        + "remove audio, or set passthrough: false"));
            }
            return;
        }
        if (r.video() == null) {
            out.add(Problem.error(path + ".video", "required unless passthrough: true"));
        } else {
            video(path + ".video", r.video(), out);
        }
        if (r.audio() == null) {
            out.add(Problem.error(path + ".audio", "required unless passthrough: true (Defaults.audio() in code)"));
        } else {
            audio(path + ".audio", r.audio(), out);
        }
    }

    private static void video(String path, VideoConfig v, List<Problem> out) {
        if (!"h264".equals(v.codec())) {
            out.add(Problem.error(path + ".codec", "only h264 is supported; got \"" + v.codec() + "\""));
        }
        dimension(v.width(), path + ".width", out);
        dimension(v.height(), path + ".height", out);
        if (v.fit() == null) {
            out.add(Problem.error(path + ".fit", "expected one of crop, pad, stretch"));
        }
        if (!(v.fps() >= 1 && v.fps() <= 120)) {
            out.add(Problem.error(path + ".fps", "expected 1..120 frames per second; got " + v.fps()));
        }
        if (v.bitrate() <= 0) {
            out.add(Problem.error(path + ".bitrate", "expected a positive bitrate like 6000k; got " + v.bitrate()));
        }
        if (!(v.keyframeSeconds() > 0 && v.keyframeSeconds() <= 60)) {
            out.add(Problem.error(path + ".keyframeSeconds", "expected more than 0 and at most 60 seconds; got "
                    + v.keyframeSeconds()));
        }
        if (!PRESETS.contains(v.preset())) {
            out.add(Problem.error(path + ".preset", "expected an x264 preset (ultrafast ... veryslow, e.g. veryfast);"
                    + " got \"" + v.preset() + "\""));
        }
        if (!PROFILES.contains(v.profile())) {
            out.add(Problem.error(path + ".profile", "expected baseline, main or high; got \"" + v.profile() + "\""));
        }
    }

    private static void dimension(int value, String path, List<Problem> out) {
        // H.264 with 4:2:0 chroma needs even sizes.
        if (value <= 0 || value % 2 != 0 || value > MAX_DIMENSION) {
            out.add(Problem.error(path, "expected an even number of pixels, 2.." + MAX_DIMENSION + "; got " + value));
        }
    }

    private static void audio(String path, AudioConfig a, List<Problem> out) {
        if (!"aac".equals(a.codec())) {
            out.add(Problem.error(path + ".codec", "only aac is supported; got \"" + a.codec() + "\""));
        }
        if (a.bitrate() <= 0) {
            out.add(Problem.error(path + ".bitrate", "expected a positive bitrate like 128k; got " + a.bitrate()));
        }
        if (!SAMPLE_RATES.contains(a.sampleRate())) {
            out.add(Problem.error(path + ".sampleRate", "expected an AAC sample rate such as 44100 or 48000; got "
                    + a.sampleRate()));
        }
        if (a.channels() < 1 || a.channels() > 2) {
            out.add(Problem.error(path + ".channels", "expected 1 (mono) or 2 (stereo); got " + a.channels()));
        }
    }
}
