package dev.castrelay.config;

import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Path;

/**
 * What an {@code archive} target adds to a target: how long each file runs and how much of the disk it leaves free.
 *
 * @param segmentMinutes a new file this often (and at every new publish); fractions are allowed
 * @param minFreeMB      the target stops with {@code failed} before the disk's free space falls under this
 */
public record ArchiveConfig(double segmentMinutes, long minFreeMB) {

    public static ArchiveConfig defaults() {
        return new ArchiveConfig(Defaults.ARCHIVE_SEGMENT_MINUTES, Defaults.ARCHIVE_MIN_FREE_MB);
    }

    public long segmentMillis() {
        return Math.round(segmentMinutes * 60_000);
    }

    /**
     * The directory of a {@code file:///dir/} URL, normalised, or null when {@code url} is no such URL (what is
     * wrong is {@link #urlProblem}'s to say).
     */
    public static Path directory(String url) {
        if (urlProblem(url) != null) {
            return null;
        }
        return Path.of(URI.create(url)).normalize();
    }

    /** What is wrong with an archive's URL, or null: it must be {@code file://} and an absolute local path. */
    static String urlProblem(String url) {
        if (url == null || !url.startsWith("file://")) {
            return "expected a file:/// URL naming a directory, e.g. file:///var/lib/relay/archive/";
        }
        if (!url.startsWith("file:///")) {
            return "expected a local directory: file:///path/ (three slashes; no host)";
        }
        try {
            URI uri = URI.create(url);
            if (uri.getQuery() != null || uri.getFragment() != null) {
                return "a directory URL has no query or fragment";
            }
            Path.of(uri);
            return null;
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            return "not a usable file:/// URL (" + e.getMessage() + "); spaces are written %20";
        }
    }
}
