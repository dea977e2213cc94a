package dev.castrelay.transcoder;

import dev.castrelay.config.SlateConfig;

/**
 * Run in a JVM of its own by {@link SlateTest#makingASlateWritesNoFile}, whose {@code java.io.tmpdir} is a private
 * directory: makes a text card and an image slate ({@code args[0]}), and fails unless the card shows its text, so
 * the run cannot pass by falling back to the plain card.
 */
final class SlateMaker {

    private SlateMaker() {
    }

    public static void main(String[] args) {
        try (Slate card = new Slate(new SlateConfig(null, "We'll be right back", 600), 640, 360);
             Slate image = new Slate(new SlateConfig(args[0], "x", 600), 320, 180)) {
            int bright = SlateTest.brightPixels(card);
            if (bright == 0 || image.picture().width() != 320) {
                System.err.println("no text on the card, or the image slate not fitted (" + bright + " bright pixels)");
                System.exit(1);
            }
        }
    }
}
