package dev.castrelay.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Fails any test that leaks a {@link ByteBuf}, in every module that tests with {@code testkit}: this jar lists
 * the guard in {@code META-INF/services}, and the parent pom's surefire configuration turns on JUnit's extension
 * autodetection and runs the tests at {@code -Dio.netty.leakDetection.level=paranoid}. Netty comes with testkit
 * (it declares {@code netty-buffer}), so no module gets the guard without the classes it needs.
 *
 * <p>Netty reports a leak only when a leaked buffer has been garbage collected and a later allocation polls the
 * detector's reference queue. So the guard installs a detector that records every report (Netty's own logging
 * still happens), and after each test collects garbage and allocates until the queue has been drained.
 *
 * <p>A buffer still reachable when its test ends (held by a connection that closes a moment later) is collected,
 * and reported, only later. Such a late report is never dropped: before each test the guard polls the detector
 * again, and after each test class it collects garbage again, and fails that test or class, naming the test that
 * ran last before the report.
 * The leak records say where the buffer was allocated and touched, which finds the owner that forgot it.
 *
 * <p>The detector must be installed before Netty's {@code AbstractByteBuf} creates its static detector; the guard
 * checks that it was and refuses to run otherwise, so it cannot silently guard nothing.
 */
public final class LeakGuard implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    /** Bound on one wait for the reference handler; a collection is normally processed within milliseconds. */
    private static final long SENTINEL_WAIT_MILLIS = 1_000;

    private static final Queue<String> REPORTED = new ConcurrentLinkedQueue<>();

    /** The test that finished last in this JVM, to say whose buffers a late report most likely belongs to. */
    private static volatile String lastFinished = "(no test yet)";

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
        failOnLateLeaks();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failOnLateLeaks();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        String test = name(context);
        lastFinished = test;
        List<String> leaks = detectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) in " + test + ":\n" + String.join("\n", leaks));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        lastFinished = name(context) + " (its @AfterAll or last test)";
        List<String> leaks = detectLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) after the tests of " + name(context)
                    + " (in @AfterAll, a shared fixture, or collected only now):\n" + String.join("\n", leaks));
        }
    }

    /**
     * Fails on leaks reported since the last check: buffers of an earlier test that became garbage only after it
     * ended. Failing here, on the test about to run, is wrong about whose leak it is but never silent about it.
     * Only polls the detector: the previous check collected garbage already, and a collection before every test as
     * well as after it would double the guard's cost for what the next forced collection finds anyway.
     */
    static void failOnLateLeaks() {
        pollDetector();
        List<String> leaks = drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) reported late, after " + lastFinished
                    + " had passed its own check (the buffers were collected only later):\n"
                    + String.join("\n", leaks));
        }
    }

    private static String name(ExtensionContext context) {
        String className = context.getTestClass().map(Class::getSimpleName).orElse("?");
        return context.getTestMethod().map(m -> className + "." + m.getName() + " [" + context.getDisplayName() + "]")
                .orElse(className);
    }

    /**
     * Collects garbage, makes the detector poll its queue, and returns (and forgets) every leak reported since
     * the last call.
     */
    public static List<String> detectLeaks() {
        for (int round = 0; round < 2; round++) {
            collectGarbage();
            pollDetector();
        }
        return drain();
    }

    /**
     * Runs a collection and waits (bounded) until the reference handler has enqueued what it found: a leaked
     * buffer's tracker is enqueued by that thread after the collection, so polling right after {@code System.gc()}
     * can miss it. A sentinel collected in the same cycle shows when the handler has been through it.
     */
    static void collectGarbage() {
        ReferenceQueue<Object> collected = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), collected);
        System.gc();
        try {
            collected.remove(SENTINEL_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sentinel.clear();
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
