package dev.castrelay.transcoder;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Draws the slate's text card with Java2D when FFmpeg cannot ({@code drawtext} is missing from the bytedeco
 * build): a PNG the {@link Slate} then reads like a configured image. Headless; any failure (no fonts on the
 * machine) leaves the caller with its plain card.
 */
final class SlateCard {

    private SlateCard() {
    }

    /** A PNG of {@code text} centred on the dark card, or null when it cannot be drawn here. */
    static Path render(String text, int width, int height, int rgb) {
        System.setProperty("java.awt.headless", "true");
        try {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                g.setColor(new Color(rgb));
                g.fillRect(0, 0, width, height);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.WHITE);
                // One fourteenth of the height, shrunk until the line fits a vertical frame too.
                int size = Math.max(8, height / 14);
                FontMetrics fm;
                do {
                    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
                    fm = g.getFontMetrics();
                    size -= 2;
                } while (fm.stringWidth(text) > width * 0.9 && size > 8);
                g.drawString(text, (width - fm.stringWidth(text)) / 2, (height - fm.getHeight()) / 2 + fm.getAscent());
            } finally {
                g.dispose();
            }
            Path png = Files.createTempFile("castrelay-slate-" + width + "x" + height, ".png");
            png.toFile().deleteOnExit();
            ImageIO.write(img, "png", png.toFile());
            return png;
        } catch (IOException | RuntimeException | Error e) {
            return null; // e.g. no fonts on a minimal machine: the plain card still works
        }
    }
}
