package dev.castrelay.config;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether an archive can record into a directory: it exists, is one, and takes a new file now. */
public final class ArchiveDirectory {

    private ArchiveDirectory() {
    }

    /** What stops an archive from writing into {@code dir}, or null when it can. */
    public static String problem(Path dir) {
        if (!Files.exists(dir)) {
            return dir + " does not exist: create it (mkdir -p " + dir + ") or record elsewhere";
        }
        if (!Files.isDirectory(dir)) {
            return dir + " is not a directory";
        }
        try {
            // Tried, not guessed from permissions: root passes every permission check, and a read-only mount
            // refuses everyone.
            Path probe = Files.createTempFile(dir, ".castrelay-check-", ".tmp");
            Files.delete(probe);
            return null;
        } catch (IOException | SecurityException e) {
            return dir + " is not writable (" + reason(e) + "): the archive could not record there";
        }
    }

    /** The operating system's word for an I/O failure ("Read-only file system"), without the path again. */
    private static String reason(Exception e) {
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
