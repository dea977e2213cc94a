package dev.castrelay.config;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as the config file writes them.
 *
 * <p>Bitrates use decimal multipliers, as encoders and platforms do: {@code 128k} = 128 000 b/s,
 * {@code 6M} = {@code 6000k} = 6 000 000 b/s, {@code 2.25M} = 2 250 000 b/s. Byte counts use binary multipliers:
 * {@code 64MiB} = {@code 64M} = 67 108 864 bytes. A plain number is taken as is.
 */
public final class Sizes {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kKmMgG]?)(i?[bB])?(ps|/s)?");

    private Sizes() {
    }

    /**
     * Parses a bitrate into bits per second.
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static long parseBitrate(String text) {
        return parse(text, 1000, "a bitrate like 6000k, 6M or 128000");
    }

    /**
     * Parses a byte count ({@code k}, {@code M}, {@code G} are powers of 1024, with or without {@code iB}).
     *
     * @throws IllegalArgumentException naming what was expected
     */
    public static long parseBytes(String text) {
        return parse(text, 1024, "a size like 64MiB, 512k or 1048576");
    }

    /** {@code 6000000} -> {@code 6000k}, {@code 128000} -> {@code 128k}, {@code 1500} -> {@code 1500}: as a file would say it. */
    public static String formatBitrate(long bitsPerSecond) {
        if (bitsPerSecond % 1000 == 0 && bitsPerSecond != 0) {
            return bitsPerSecond / 1000 + "k";
        }
        return Long.toString(bitsPerSecond);
    }

    private static long parse(String text, long base, String expected) {
        Matcher m = text == null ? null : SIZE.matcher(text.trim());
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("expected " + expected);
        }
        long multiplier = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> base;
            case "m" -> base * base;
            case "g" -> base * base * base;
            default -> 1;
        };
        try {
            BigDecimal value = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(multiplier));
            return value.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("expected " + expected + ", got a number too large");
        }
    }
}
