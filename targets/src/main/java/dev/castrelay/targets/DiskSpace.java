package dev.castrelay.targets;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The archive's guard on its disk's free space: it refuses a write that would take the free space under
 * {@code minFreeBytes}, so the archive stops before the disk is full, not after. Free space is read (statvfs) at
 * most every quarter second or megabyte written; in between, what was written since is subtracted from the last
 * reading. Owned by the archive's writer thread.
 */
final class DiskSpace {

    /** What the muxer may still write after a check: its buffer and a packet in hand. */
    static final long MARGIN_BYTES = 256 * 1024;
    private static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long RECHECK_BYTES = 1024 * 1024;

    /** Free space about to fall under {@code minFreeMB}: the message says what to do. */
    static final class Low extends IOException {
        Low(long free, Path directory, long minFree) {
            super("disk nearly full: " + megabytes(free) + " free in " + directory + ", and the archive leaves "
                    + megabytes(minFree) + " (minFreeMB) free: free some space or lower minFreeMB, then restart the "
                    + "target");
        }
    }

    private final Path directory;
    private final long minFreeBytes;
    private FileStore store;
    private long freeAtCheck;
    private long writtenAtCheck;
    private long checkedAtNanos;

    DiskSpace(Path directory, long minFreeBytes) {
        this.directory = directory;
        this.minFreeBytes = minFreeBytes;
    }

    /**
     * Throws {@link Low} unless {@code bytes} more can be written and leave {@code minFreeBytes} free.
     *
     * @param written every byte the archive has written so far
     * @throws IOException the directory's disk cannot be read (gone)
     */
    void reserve(long bytes, long written) throws IOException {
        long now = System.nanoTime();
        if (store == null || now - checkedAtNanos > RECHECK_NANOS || written - writtenAtCheck > RECHECK_BYTES) {
            if (store == null) {
                store = Files.getFileStore(directory);
            }
            freeAtCheck = store.getUsableSpace();
            writtenAtCheck = written;
            checkedAtNanos = now;
        }
        long free = freeAtCheck - (written - writtenAtCheck);
        if (free - bytes - MARGIN_BYTES < minFreeBytes) {
            throw new Low(free, directory, minFreeBytes);
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
