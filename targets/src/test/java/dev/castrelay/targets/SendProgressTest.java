package dev.castrelay.targets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The lag arithmetic of one connection: what the platform has against what arrived, acks wrapping at 32 bits. */
class SendProgressTest {

    private static final long WINDOW = 1_000;

    /**
     * Packets of 1000 bytes, one per 100 ms of media, all handed over and written; the platform then acks
     * {@code ack} (as sent on the wire, 32 bits). Expected: the lag and what is still in flight.
     */
    @ParameterizedTest(name = "ack {0} after {1} packets: lag {2} ms")
    @CsvSource({
            // ack, packets, lag, inFlight
            "-1,     10, 900, 900",  // no ack yet: measured at the socket, where every write completed...
            "0,      10, 900, 900",  // ...an ack of 0 plus one window: the first packet (timestamp 0) read
            "5000,   10, 400, 400",  // 5000 acked + a window: six packets read (timestamps 0..500)
            "9000,   10, 0,   0",    // everything read: nothing waits, no lag
            "20000,  10, 0,   0",    // an ack past what was sent (a platform counting its own way): no lag
    })
    void lagFollowsWhatThePlatformAcknowledged(long ack, int packets, long lag, long inFlight) {
        SendProgress p = new SendProgress(WINDOW, 0);
        for (int i = 0; i < packets; i++) {
            p.arrived(i * 100L);
            p.handedOver(i * 100L, (i + 1) * 1000L);
        }
        p.written((packets - 1) * 100L, packets, 1);
        if (ack >= 0) {
            p.acknowledged(ack, 2);
        }
        // Written but unacked: with no ack the socket's word counts, so everything is "reached".
        long expectedLag = ack < 0 ? 0 : lag;
        long expectedInFlight = ack < 0 ? 0 : inFlight;
        assertThat(p.lagMillis(true)).isEqualTo(expectedLag);
        assertThat(p.inFlightMillis(true)).isEqualTo(expectedInFlight);
    }

    @Test
    void withoutAcksTheLagIsWhatTheSocketHasNotTaken() {
        SendProgress p = new SendProgress(WINDOW, 0);
        for (int i = 0; i < 10; i++) {
            p.arrived(i * 100L);
            p.handedOver(i * 100L, (i + 1) * 1000L);
        }
        p.written(300, 4, 1); // the socket took packets 0..300; 400..900 wait in Netty's buffer
        assertThat(p.lagMillis(true)).isEqualTo(600);
        assertThat(p.inFlightMillis(true)).isEqualTo(600);
        p.arrived(1_500); // queued, not yet handed over
        assertThat(p.lagMillis(false)).isEqualTo(1_200);
        assertThat(p.inFlightMillis(false)).isEqualTo(600);
    }

    /** Ack sequence numbers (32 bits on the wire) against the 64-bit count of bytes we wrote. */
    @ParameterizedTest(name = "acks {0} then {1}: reached {2}")
    @CsvSource({
            // first ack, second ack (wire values), timestamp reached after the second
            "4294966000, 1000,        1",  // wrapped past 2^32: the second ack is 2^32 + 1000, further on
            "4294966000, 4294960000,  0",  // an older ack, arriving late, does not move progress back
            "4294966000, 20000,       2",  // wrapped, and everything read
    })
    void acknowledgementsUnwrapAcross32Bits(long first, long second, long reachedIndex) {
        long base = 4_294_960_000L; // bytes sent before this test's packets, near the wrap
        SendProgress p = new SendProgress(WINDOW, 0);
        // Three packets ending at base + 1000, 2^32 + 2000 and 2^32 + 20000.
        long[] ends = {base + 1_000, (1L << 32) + 2_000, (1L << 32) + 20_000};
        for (int i = 0; i < ends.length; i++) {
            p.arrived(i);
            p.handedOver(i, ends[i]);
        }
        p.written(2, 3, 1);
        p.acknowledged(first, 2);
        p.acknowledged(second, 3);
        assertThat(p.reachedTimestamp()).isEqualTo(reachedIndex);
    }

    @ParameterizedTest(name = "acked {0}, written {1}: an ack is due {2}")
    @CsvSource({
            "-1,    500000, true",   // no acks at all: the socket's progress moves things, holding back is safe
            "0,     100000, false",  // under two windows unread: the platform may wait for more before it acks
            "0,     131072, false",  // exactly two windows: still not surely
            "0,     131073, true",   // past two windows: it will ack the first of them
            "70000, 300000, true",
    })
    void packetsAreHeldBackOnlyWhileAnAcknowledgementIsSurelyComing(long ack, long wireBytes, boolean due) {
        SendProgress p = new SendProgress(64 * 1024, 0);
        p.arrived(0);
        p.handedOver(0, wireBytes);
        if (ack >= 0) {
            p.acknowledged(ack, 1);
        }
        assertThat(p.acknowledgementDue(wireBytes)).isEqualTo(due);
    }

    @Test
    void progressStopsCountingOnlyWhileSomethingWaits() {
        SendProgress p = new SendProgress(WINDOW, 0);
        assertThat(p.nanosWithoutProgress(true, 5_000)).isZero();
        p.arrived(0);
        p.handedOver(0, 1_000);
        assertThat(p.nanosWithoutProgress(true, 8_000)).isEqualTo(3_000);
        p.written(0, 1, 9_000);
        assertThat(p.nanosWithoutProgress(true, 10_000)).isZero();
    }
}
