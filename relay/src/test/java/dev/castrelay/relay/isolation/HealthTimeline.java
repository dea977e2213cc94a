package dev.castrelay.relay.isolation;

import dev.castrelay.relay.Relay;
import dev.castrelay.targets.TargetHealth;
import dev.castrelay.targets.TargetState;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a relay's target health every 100 ms from a start instant, so a test can ask afterwards when a target
 * first entered a state and what its retry delays were. Read it after {@link #stop()}.
 */
final class HealthTimeline implements AutoCloseable {

    /** One target's health at {@code atMillis} after the start. */
    record Sample(long atMillis, TargetHealth health) {
        TargetState state() {
            return health.state();
        }
    }

    private final Relay relay;
    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "health-timeline");
        t.setDaemon(true);
        return t;
    });

    HealthTimeline(Relay relay) {
        this.relay = relay;
        sampler.scheduleAtFixedRate(this::sample, 0, 100, TimeUnit.MILLISECONDS);
    }

    /** Milliseconds since the timeline started. */
    long now() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    private void sample() {
        long at = now();
        for (TargetHealth h : relay.health().targets()) {
            samples.add(new Sample(at, h));
        }
    }

    void stop() {
        sampler.shutdownNow();
        try {
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<Sample> of(String targetId) {
        List<Sample> list = new ArrayList<>();
        for (Sample s : samples) {
            if (s.health().id().equals(targetId)) {
                list.add(s);
            }
        }
        return list;
    }

    /** When {@code targetId} was first seen in {@code state} at or after {@code fromMillis}, or -1. */
    long firstSeen(String targetId, TargetState state, long fromMillis) {
        for (Sample s : of(targetId)) {
            if (s.atMillis() >= fromMillis && s.state() == state) {
                return s.atMillis();
            }
        }
        return -1;
    }

    /** The states {@code targetId} went through, without repeats. */
    List<TargetState> states(String targetId) {
        List<TargetState> list = new ArrayList<>();
        for (Sample s : of(targetId)) {
            if (list.isEmpty() || list.get(list.size() - 1) != s.state()) {
                list.add(s.state());
            }
        }
        return list;
    }

    /** The first nextRetryInMs seen of each wait for a retry between the two instants. */
    List<Long> retryDelays(String targetId, long fromMillis, long toMillis) {
        List<Long> delays = new ArrayList<>();
        Long previous = null;
        for (Sample s : of(targetId)) {
            if (s.atMillis() < fromMillis || s.atMillis() > toMillis) {
                continue;
            }
            Long next = s.state() == TargetState.RECONNECTING ? s.health().nextRetryInMs() : null;
            // A failed attempt can pass between two samples: a countdown that jumps up is a new spell.
            if (next != null && (previous == null || next > previous)) {
                delays.add(next);
            }
            previous = next;
        }
        return delays;
    }

    @Override
    public void close() {
        stop();
    }
}
