package dev.castrelay.config;

/**
 * What transcoded renditions show while the ingest is lost, or sends audio without a picture.
 *
 * @param image       a PNG/JPEG path, or null for a plain card showing {@code text}
 * @param text        the card's text
 * @param maxSeconds  after this long on slate the targets are unpublished
 * @param audioVisual what the slate shows of the live audio while the ingest sends no picture
 */
public record SlateConfig(String image, String text, int maxSeconds, AudioVisual audioVisual) {

    public SlateConfig {
        audioVisual = audioVisual == null ? Defaults.SLATE_AUDIO_VISUAL : audioVisual;
    }

    /** With the default audio visual. */
    public SlateConfig(String image, String text, int maxSeconds) {
        this(image, text, maxSeconds, Defaults.SLATE_AUDIO_VISUAL);
    }
}
