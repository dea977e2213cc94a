package dev.castrelay.rtmp.amf;

import dev.castrelay.rtmp.Bytes;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Amf0WriterTest {

    static Stream<Amf0Cases.Case> cases() {
        return Amf0Cases.writable();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void writesEachValueAsItsBytes(Amf0Cases.Case c) {
        ByteBuf out = Unpooled.buffer();

        Amf0Writer.write(out, c.value());

        assertThat(Bytes.drain(out)).isEqualTo(c.bytes());
    }

    @Test
    void integersAreWrittenAsNumbers() {
        ByteBuf out = Unpooled.buffer();

        Amf0Writer.write(out, 1);

        assertThat(Bytes.drain(out)).isEqualTo(Bytes.of("00 3F F0 00 00 00 00 00 00"));
    }

    @Test
    void stringOfExactly65535BytesStaysAShortString() {
        ByteBuf out = Unpooled.buffer();

        Amf0Writer.write(out, "b".repeat(0xFFFF));

        byte[] bytes = Bytes.drain(out);
        assertThat(bytes).startsWith(Bytes.of("02 FF FF")).hasSize(3 + 0xFFFF);
    }

    @Test
    void writeAllWritesEachValueInTurn() {
        ByteBuf out = Unpooled.buffer();

        Amf0Writer.writeAll(out, "_result", 1.0, null);

        assertThat(Bytes.drain(out)).isEqualTo(Bytes.of("02 00 07 '_result' 00 3F F0 00 00 00 00 00 00 05"));
    }

    @Test
    void valueWithoutAnAmf0FormIsRefused() {
        ByteBuf out = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> Amf0Writer.write(out, new Object()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        } finally {
            out.release();
        }
    }
}
