package dev.castrelay.config;

/**
 * Audio encoding settings of a rendition.
 *
 * @param codec   only {@code aac} today
 * @param bitrate bits per second (the file says {@code 128k})
 */
public record AudioConfig(String codec, long bitrate, int sampleRate, int channels) {
}
