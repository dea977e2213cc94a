package dev.castrelay.transcoder;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR24;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_plane;

/**
 * Draws the slate's text card with Java2D ({@code drawtext} is missing from the bytedeco build) straight into an
 * {@link AVFrame} that {@link Slate} then fits like a configured image: in memory, no file. Headless; any failure
 * (no fonts on the machine) leaves the caller with its plain card.
 */
final class SlateCard {

    private SlateCard() {
    }

    /**
     * A {@code bgr24} frame of {@code text} centred on the card of colour {@code rgb}, owned by the caller, or null
     * when it cannot be drawn here.
     */
    static AVFrame draw(String text, int width, int height, int rgb) {
        System.setProperty("java.awt.headless", "true");
        AVFrame frame = null;
        try {
            BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
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
            frame = av_frame_alloc();
            frame.format(AV_PIX_FMT_BGR24);
            frame.width(width);
            frame.height(height);
            TranscoderException.check(av_frame_get_buffer(frame, 0), "allocating the slate card");
            // TYPE_3BYTE_BGR keeps its pixels as B, G, R bytes, rows back to back: bgr24 with a stride of width * 3.
            byte[] bgr = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
            try (BytePointer pixels = new BytePointer(bgr)) {
                av_image_copy_plane(frame.data(0), frame.linesize(0), pixels, width * 3, width * 3, height);
            }
            return frame;
        } catch (RuntimeException | Error e) {
            if (frame != null) {
                av_frame_free(frame);
            }
            return null; // e.g. no fonts on a minimal machine: the plain card still works
        }
    }
}
