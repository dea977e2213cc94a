package dev.castrelay.rtmp.amf;

import dev.castrelay.rtmp.Bytes;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Amf0ReaderTest {

    static Stream<Amf0Cases.Case> cases() {
        return Amf0Cases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void readsEachValueFromItsBytes(Amf0Cases.Case c) {
        ByteBuf in = Bytes.wrap(c.bytes());

        Object value = Amf0Reader.read(in);

        assertThat(value).isEqualTo(c.value());
        assertThat(value instanceof EcmaArray).as("ECMA array kept apart from object")
                .isEqualTo(c.value() instanceof EcmaArray);
        assertThat(in.isReadable()).as("consumed exactly its bytes").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyTruncationOfAValueThrowsAmfException(Amf0Cases.Case c) {
        byte[] whole = c.bytes();
        // Every prefix of short values; the first 64 and the last of long ones.
        int[] lengths = java.util.stream.IntStream.range(0, whole.length)
                .filter(n -> n < 64 || n == whole.length - 1).toArray();
        for (int n : lengths) {
            ByteBuf in = Bytes.wrap(Arrays.copyOf(whole, n));
            assertThatThrownBy(() -> Amf0Reader.read(in)).as("prefix of %d bytes", n)
                    .isInstanceOf(AmfException.class)
                    .hasMessageContaining("truncated");
        }
    }

    @Test
    void readAllReadsACommandsValuesInOrder() {
        ByteBuf in = Bytes.wrap(Bytes.of("02 00 07 'connect' 00 3F F0 00 00 00 00 00 00 03 00 00 09 05"));

        assertThat(Amf0Reader.readAll(in)).containsExactly("connect", 1.0, Map.of(), null);
    }

    @Test
    void nestingAtTheMaximumDepthIsRead() {
        ByteBuf in = Bytes.wrap(nestedArrays(Amf0Reader.MAX_DEPTH + 1));

        assertThat(Amf0Reader.read(in)).isInstanceOf(List.class);
    }

    @Test
    void nestingDeeperThanTheMaximumThrows() {
        ByteBuf in = Bytes.wrap(nestedArrays(Amf0Reader.MAX_DEPTH + 2));

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("nesting depth").hasMessageContaining("32");
    }

    @Test
    void strictArrayCountOverTheMaximumThrowsBeforeAllocating() {
        ByteBuf in = Bytes.wrap(Bytes.of("0A 7F FF FF FF"));

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("2147483647").hasMessageContaining("4096");
    }

    @Test
    void objectWithMoreThanTheMaximumPropertiesThrows() {
        ByteBuf in = io.netty.buffer.Unpooled.buffer();
        in.writeByte(0x03);
        for (int i = 0; i <= Amf0Reader.MAX_ENTRIES; i++) {
            String key = "k" + i;
            in.writeShort(key.length()).writeBytes(key.getBytes()).writeByte(0x05);
        }
        in.writeShort(0).writeByte(0x09);

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("more than 4096");
    }

    @Test
    void longStringLengthBeyondTheInputThrowsWithBothNumbers() {
        ByteBuf in = Bytes.wrap(Bytes.of("0C FF FF FF FF 'abc'"));

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("4294967295").hasMessageContaining("have 3");
    }

    @Test
    void amf3SwitchMarkerIsRefusedWithItsOffset() {
        ByteBuf in = Bytes.wrap(Bytes.of("05 11 00"));
        Amf0Reader.read(in);

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("0x11").hasMessageContaining("offset 1");
    }

    @Test
    void referenceMarkerIsRefused() {
        ByteBuf in = Bytes.wrap(Bytes.of("07 00 01"));

        assertThatThrownBy(() -> Amf0Reader.read(in)).isInstanceOf(AmfException.class)
                .hasMessageContaining("0x7");
    }

    /** {@code depth} strict arrays, each holding the next; the innermost is empty. */
    private static byte[] nestedArrays(int depth) {
        byte[] out = new byte[0];
        for (int i = 0; i < depth; i++) {
            out = i == 0 ? Bytes.of("0A 00 00 00 00") : Bytes.concat(Bytes.of("0A 00 00 00 01"), out);
        }
        return out;
    }
}
