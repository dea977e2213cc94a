package dev.castrelay.ingest;

import dev.castrelay.config.FailoverConfig;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The program's input chosen and switched, fed packets as two encoders would send them. */
class InputSelectorTest {

    /** What the program received: kind, timestamp, and K for keyframes, H for headers. */
    private final List<String> program = new ArrayList<>();
    private final DefaultEventLoop timer = new DefaultEventLoop();
    private int starts;
    private int ends;

    private final ProgramSink sink = new ProgramSink() {
        @Override
        public void onIngestStart() {
            starts++;
        }

        @Override
        public void onIngestPacket(MediaPacket p) {
            program.add((p.isVideo() ? "v" : "a") + p.timestamp() + (p.isSequenceHeader() ? "H"
                    : p.isVideo() && p.isKeyframe() ? "K" : ""));
        }

        @Override
        public void onIngestEnd() {
            ends++;
        }
    };

    @AfterEach
    void stopTimer() {
        timer.shutdownGracefully();
    }

    @Test
    void backupTakesOverFromItsCachedKeyframeWithItsHeadersOnAClockThatContinues() {
        InputSelector s = selector(1_000);
        s.started(InputRole.PRIMARY);
        s.started(InputRole.BACKUP);
        feed(s, InputRole.PRIMARY, header(0), key(0), frame(33), frame(66));
        feed(s, InputRole.BACKUP, header(5_000), key(5_000), frame(5_033));

        s.ended(InputRole.PRIMARY);
        feed(s, InputRole.BACKUP, frame(5_066));

        assertThat(program).containsExactly("v0H", "v0K", "v33", "v66", "v99H", "v99K", "v132", "v165");
        assertThat(s.active()).isEqualTo(InputRole.BACKUP);
        assertThat(starts).as("one program: no new publish for the platforms").isEqualTo(1);
        assertThat(ends).isZero();
        s.close();
    }

    @Test
    void everySwitchIsToldToTheListenerWithItsCause() {
        InputSelector s = selector(1_000);
        List<InputSelector.Switch> switches = new ArrayList<>();
        s.onSwitch(switches::add);
        s.started(InputRole.PRIMARY);
        s.started(InputRole.BACKUP);
        feed(s, InputRole.PRIMARY, header(0), key(0));
        feed(s, InputRole.BACKUP, header(0), key(0));

        s.ended(InputRole.PRIMARY);

        assertThat(switches).containsExactly(
                new InputSelector.Switch(InputRole.PRIMARY, InputRole.BACKUP, "primary input left"));
        assertThat(s.failovers()).isEqualTo(1);
        s.close();
    }

    @Test
    void aPrimaryThatSendsNoVideoForLossMillisIsLeftForAHealthyBackup() throws InterruptedException {
        InputSelector s = selector(100);
        s.started(InputRole.PRIMARY);
        s.started(InputRole.BACKUP);
        feed(s, InputRole.PRIMARY, header(0), key(0));
        feed(s, InputRole.BACKUP, header(0), key(0));
        Thread.sleep(60); // the loss bound is wall-clock time without primary video: let some of it pass
        feed(s, InputRole.BACKUP, frame(60));
        s.check();
        assertThat(s.active()).as("within the loss bound").isEqualTo(InputRole.PRIMARY);

        Thread.sleep(60); // and now past it
        feed(s, InputRole.BACKUP, frame(120));
        s.check();

        assertThat(s.active()).isEqualTo(InputRole.BACKUP);
        s.close();
    }

    @Test
    void withNoInputLeftTheProgramEnds() {
        InputSelector s = selector(1_000);
        s.started(InputRole.PRIMARY);
        feed(s, InputRole.PRIMARY, header(0), key(0));

        s.ended(InputRole.PRIMARY);

        assertThat(ends).isEqualTo(1);
        assertThat(s.active()).isNull();
        s.close();
    }

    @Test
    void aPinnedInputKeepsTheProgramAndItsOwnerDecides() {
        InputSelector s = selector(1_000);
        s.started(InputRole.PRIMARY);
        s.started(InputRole.BACKUP);
        feed(s, InputRole.PRIMARY, header(0), key(0));
        feed(s, InputRole.BACKUP, header(0), key(0));

        s.use(InputRole.BACKUP);
        assertThat(s.active()).isEqualTo(InputRole.BACKUP);
        assertThat(s.mode()).isEqualTo(InputSelector.Mode.PINNED);
        s.ended(InputRole.PRIMARY);
        assertThat(s.active()).isEqualTo(InputRole.BACKUP);

        s.use(null);
        assertThat(s.mode()).isEqualTo(InputSelector.Mode.AUTO);
        s.close();
    }

    private InputSelector selector(long lossMillis) {
        return new InputSelector(sink, new IngestMonitor(), new FailoverConfig(lossMillis, 600), true, timer);
    }

    private static void feed(InputSelector s, InputRole role, MediaPacket... packets) {
        for (MediaPacket p : packets) {
            s.packet(role, p);
            p.release();
        }
    }

    private static MediaPacket header(long ts) {
        return video(ts, 0x17, 0x00);
    }

    private static MediaPacket key(long ts) {
        return video(ts, 0x17, 0x01);
    }

    private static MediaPacket frame(long ts) {
        return video(ts, 0x27, 0x01);
    }

    private static MediaPacket video(long ts, int first, int type) {
        return MediaPacket.of(MediaPacket.Kind.VIDEO, ts, Unpooled.wrappedBuffer(new byte[] {(byte) first,
                (byte) type, 0, 0, 0, 0, 0, 0, 1, 0x65}));
    }
}
