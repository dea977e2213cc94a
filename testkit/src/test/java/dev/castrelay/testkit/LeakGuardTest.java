package dev.castrelay.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LeakGuardTest {

    @Test
    void guardCatchesALeakedPooledBuffer() {
        String marker = "deliberate pooled leak " + UUID.randomUUID();
        leak(ByteBufAllocator.DEFAULT.buffer(16), marker);

        assertThat(LeakGuard.awaitLeaks()).anySatisfy(leak -> assertThat(leak).contains(marker));
    }

    @Test
    void guardCatchesALeakedUnpooledDirectBuffer() {
        String marker = "deliberate unpooled direct leak " + UUID.randomUUID();
        leak(Unpooled.directBuffer(16), marker);

        assertThat(LeakGuard.awaitLeaks()).anySatisfy(leak -> assertThat(leak).contains(marker));
    }

    @Test
    void leakCollectedAfterItsTestEndedFailsTheNextCheck() {
        String marker = "deliberate late leak " + UUID.randomUUID();
        leak(ByteBufAllocator.DEFAULT.buffer(16), marker);
        LeakGuard.collectGarbage(); // between two tests: a collection finds the buffer after its test's check

        // What the guard runs before the next test: the late report must fail it, not vanish.
        assertThatThrownBy(LeakGuard::failOnLateLeaks)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("reported late")
                .hasMessageContaining(marker);
    }

    @Test
    void releasedBuffersAreNotReported() {
        ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(16).writeInt(1);
        buf.touch("released properly");
        buf.release();

        assertThat(LeakGuard.detectLeaks()).isEmpty();
    }

    /** Drops the only reference without releasing it; the marker makes the report unique and findable. */
    private static void leak(ByteBuf buf, String marker) {
        buf.writeInt(42);
        buf.touch(marker);
    }
}
