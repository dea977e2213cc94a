package dev.castrelay.config;

/**
 * One output flavour of the ingest. Either {@code passthrough} (ingest packets forwarded untouched, video and
 * audio null) or transcoded with the given video and audio settings.
 */
public record RenditionConfig(String id, boolean passthrough, VideoConfig video, AudioConfig audio) {
}
