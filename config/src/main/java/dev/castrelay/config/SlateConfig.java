package dev.castrelay.config;

/**
 * What transcoded renditions show while the ingest is lost.
 *
 * @param image      a PNG/JPEG path, or null for a plain card showing {@code text}
 * @param text       the card's text
 * @param maxSeconds after this long on slate the targets are unpublished
 */
public record SlateConfig(String image, String text, int maxSeconds) {
}
