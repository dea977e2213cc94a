package dev.castrelay.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * CPU time spent by a process, read from {@code /proc/<pid>/stat} (Linux only). Benchmarks print it to
 * show whole-process cost, including JIT, GC and native encoder threads that a Java profiler misses.
 */
public final class CpuTime {

    // Fields after the ")" that ends the command name; proc(5) numbers them from 1 and the state is field 3.
    private static final int UTIME = 14 - 3;
    private static final int STIME = 15 - 3;
    private static final int CUTIME = 16 - 3;
    private static final int CSTIME = 17 - 3;

    private static volatile Long ticksPerSecond;

    private CpuTime() {
    }

    /** User + system seconds of one live process, all its threads included. */
    public static double of(long pid) {
        String[] f = fields(pid).orElseThrow(() -> new PeerException("no process " + pid + " to read CPU time from"));
        return seconds(ticks(f, UTIME) + ticks(f, STIME));
    }

    /**
     * User + system seconds of a process and all its live descendants, plus what their already
     * reaped children used ({@code cutime}/{@code cstime}). Processes that exit between listing and
     * reading are skipped, so take it while the tree is running or right after it was waited for.
     */
    public static double ofTree(long pid) {
        long total = fields(pid).map(CpuTime::withChildren).orElse(0L);
        Optional<ProcessHandle> root = ProcessHandle.of(pid);
        if (root.isPresent()) {
            total += root.get().descendants()
                    .mapToLong(p -> fields(p.pid()).map(CpuTime::withChildren).orElse(0L))
                    .sum();
        }
        return seconds(total);
    }

    private static long withChildren(String[] f) {
        return ticks(f, UTIME) + ticks(f, STIME) + ticks(f, CUTIME) + ticks(f, CSTIME);
    }

    private static Optional<String[]> fields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name may contain spaces and parentheses; everything after the last ")" is numeric.
            return Optional.of(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" "));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PeerException("cannot read /proc/" + pid + "/stat (CpuTime needs Linux)", e);
        }
    }

    private static long ticks(String[] fields, int index) {
        return Long.parseLong(fields[index]);
    }

    private static double seconds(long ticks) {
        return (double) ticks / ticksPerSecond();
    }

    private static long ticksPerSecond() {
        Long cached = ticksPerSecond;
        if (cached == null) {
            // USER_HZ is 100 on every mainstream kernel, but getconf is the authority.
            long value = 100;
            try {
                value = Long.parseLong(Processes.run(Duration.ofSeconds(5), "getconf", "CLK_TCK").stdout().trim());
            } catch (RuntimeException e) {
                // Keep 100.
            }
            ticksPerSecond = cached = value;
        }
        return cached;
    }
}
