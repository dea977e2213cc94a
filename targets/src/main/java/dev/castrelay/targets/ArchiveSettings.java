package dev.castrelay.targets;

import java.nio.file.Path;

/**
 * How an archive target records: where, how long each file runs, the free space it leaves, and its queue.
 *
 * @param directory      where the files go (exists and was writable when the config was checked)
 * @param segmentMillis  a new file after this much media, at the next keyframe
 * @param minFreeBytes   stop with {@code failed} before the disk's free space falls under this
 * @param maxQueueMillis media the queue to the writer holds before whole GOPs are dropped
 * @param maxQueueBytes  bytes the queue to the writer holds before whole GOPs are dropped
 */
public record ArchiveSettings(Path directory, long segmentMillis, long minFreeBytes, long maxQueueMillis,
                              long maxQueueBytes) {
}
