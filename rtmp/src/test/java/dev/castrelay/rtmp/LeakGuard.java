package dev.castrelay.rtmp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Fails any test of this module that leaks a {@link ByteBuf}. Registered for every test through
 * {@code META-INF/services} and {@code junit-platform.properties}.
 *
 * <p>Netty reports a leak only when a leaked buffer has been garbage collected and a later allocation polls the
 * detector's reference queue. So the guard installs a detector that records every report (Netty's own logging
 * still happens), and after each test collects garbage and allocates until the queue has been drained.
 *
 * <p>The detector must be installed before Netty's {@code AbstractByteBuf} creates its static detector; the guard
 * checks that it was and refuses to run otherwise, so it cannot silently guard nothing.
 */
public final class LeakGuard implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final Queue<String> REPORTED = new ConcurrentLinkedQueue<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation")
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                return new RecordingDetector<>(resource, samplingInterval);
            }
        });
    }

    /** A leak detector that also remembers what it reported. */
    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true; // report even when logging is turned down: the guard, not the log, is the check
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            REPORTED.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            REPORTED.add("LEAK: " + resourceType + ".release() was not called (no records)");
            super.reportUntracedLeak(resourceType);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            throw new IllegalStateException("tests must run with -Dio.netty.leakDetection.level=paranoid, not "
                    + ResourceLeakDetector.getLevel());
        }
        Object installed = bufferLeakDetector();
        if (!(installed instanceof RecordingDetector)) {
            throw new IllegalStateException("Netty's buffer leak detector was created before LeakGuard loaded ("
                    + installed + "); the guard would see nothing");
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        detectLeaks(); // leaks of earlier tests are theirs, not this one's
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<String> leaks = detectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) in " + context.getDisplayName() + ":\n"
                    + String.join("\n", leaks));
        }
    }

    /**
     * Collects garbage, makes the detector poll its queue, and returns (and forgets) every leak reported since
     * the last call.
     */
    public static List<String> detectLeaks() {
        for (int round = 0; round < 2; round++) {
            System.gc();
            pollDetector();
        }
        return drain();
    }

    /** Like {@link #detectLeaks()}, but keeps trying (up to a few seconds) until at least one leak shows. */
    public static List<String> awaitLeaks() {
        List<String> leaks = new ArrayList<>();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (leaks.isEmpty() && System.nanoTime() < deadline) {
            leaks.addAll(detectLeaks());
        }
        return leaks;
    }

    private static void pollDetector() {
        // Every tracked allocation polls the reference queue at paranoid level; both allocators share the detector.
        for (int i = 0; i < 4; i++) {
            ByteBufAllocator.DEFAULT.buffer(1).release();
            UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release(); // unpooled heap buffers are not tracked
        }
    }

    private static List<String> drain() {
        List<String> leaks = new ArrayList<>();
        for (String s; (s = REPORTED.poll()) != null; ) {
            leaks.add(s);
        }
        return leaks;
    }

    private static Object bufferLeakDetector() {
        try {
            Field f = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot check Netty's leak detector", e);
        }
    }
}
