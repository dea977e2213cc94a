package dev.castrelay.config;

/**
 * Video encoding settings of a rendition.
 *
 * @param codec           only {@code h264} today
 * @param bitrate         bits per second (the file says {@code 6000k})
 * @param keyframeSeconds exact GOP length in seconds
 * @param preset          libx264 preset, e.g. {@code veryfast}
 * @param profile         H.264 profile, e.g. {@code high}, {@code main}
 */
public record VideoConfig(String codec, int width, int height, Fit fit, double fps, long bitrate,
                          double keyframeSeconds, String preset, String profile) {
}
