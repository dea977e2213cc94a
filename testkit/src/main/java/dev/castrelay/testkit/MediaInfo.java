package dev.castrelay.testkit;

import java.util.List;

/**
 * What ffprobe found in a media file. {@link #video()} or {@link #audio()} is null when the file has
 * no such stream; only the first stream of each kind is described.
 *
 * @param durationSeconds the container's duration
 * @param video           the first video stream, or null
 * @param audio           the first audio stream, or null
 */
public record MediaInfo(double durationSeconds, Video video, Audio audio) {

    public boolean hasVideo() {
        return video != null;
    }

    public boolean hasAudio() {
        return audio != null;
    }

    /**
     * @param codec          ffprobe's codec name, e.g. {@code h264}
     * @param avgFrameRate   ffprobe's {@code avg_frame_rate}; FLV's millisecond timestamps make 30 fps read as 30.3
     * @param frames         video packets, one per frame for H.264 as FLV carries it
     * @param keyframeTimes  pts in seconds of the packets flagged as keyframes, ascending
     * @param firstPts       pts in seconds of the first video packet in file order
     */
    public record Video(String codec, int width, int height, double avgFrameRate, int frames,
                        List<Double> keyframeTimes, double firstPts) {

        public Video {
            keyframeTimes = List.copyOf(keyframeTimes);
        }
    }

    /**
     * @param codec      ffprobe's codec name, e.g. {@code aac}
     * @param packets    audio packets (1024 samples each for AAC)
     * @param firstPts   pts in seconds of the first audio packet in file order
     */
    public record Audio(String codec, int sampleRate, int channels, int packets, double firstPts) {
    }
}
