package dev.castrelay.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FlvFileTest {

    @TempDir
    Path dir;

    /** An FLV header with audio and video flags, then PreviousTagSize0. */
    private static final byte[] HEADER = {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};

    @Test
    void readsEachTagsTypeTimestampAndBodyInFileOrder() throws Exception {
        Path file = flv(
                tag(18, 0, 2, 0, 10),
                tag(9, 0x01_00_00_10L, 0x17, 0, 0, 0, 0), // the timestamp's extended byte is its top byte
                tag(8, 23, 0xAF, 1, 0x21));

        List<FlvFile.Tag> tags = FlvFile.read(file);

        assertThat(tags).extracting(FlvFile.Tag::type).containsExactly(FlvFile.SCRIPT_DATA, FlvFile.VIDEO,
                FlvFile.AUDIO);
        assertThat(tags).extracting(FlvFile.Tag::timestamp).containsExactly(0L, 0x01_00_00_10L, 23L);
        assertThat(tags.get(2).body()).containsExactly(0xAF, 1, 0x21);
    }

    @Test
    void skipsOtherTagTypesAndALastTagCutShort() throws Exception {
        byte[] cut = tag(9, 66, 0x27, 1, 0, 0, 0, 0, 0, 0, 1, 0x41);
        Path file = flv(tag(8, 0, 0xAF, 1, 0x21), tag(7, 10, 1, 2, 3),
                Arrays.copyOf(cut, cut.length - 6));

        assertThat(FlvFile.read(file)).extracting(FlvFile.Tag::type).containsExactly(FlvFile.AUDIO);
    }

    @Test
    void tellsFramesFromSequenceHeaders() throws Exception {
        Path file = flv(
                tag(9, 0, 0x17, 0, 0, 0, 0, 1),          // AVC sequence header
                tag(9, 0, 0x17, 1, 0, 0, 0, 0, 0, 0, 1), // AVC keyframe
                tag(9, 33, 0x27, 1, 0, 0, 0, 0, 0, 0, 1), // AVC inter frame
                tag(8, 0, 0xAF, 0, 0x12, 0x10),           // AAC AudioSpecificConfig
                tag(8, 23, 0xAF, 1, 0x21));               // AAC frame

        List<FlvFile.Tag> tags = FlvFile.read(file);

        assertThat(tags).extracting(FlvFile.Tag::isAvcFrame).containsExactly(false, true, true, false, false);
        assertThat(tags).extracting(FlvFile.Tag::isKeyframe).containsExactly(true, true, false, false, false);
        assertThat(tags).extracting(FlvFile.Tag::isAacFrame).containsExactly(false, false, false, false, true);
    }

    @Test
    void refusesAFileThatIsNoFlv() throws Exception {
        Path file = Files.write(dir.resolve("not.flv"), "not an flv file at all".getBytes());

        assertThatThrownBy(() -> FlvFile.read(file)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("is not an FLV file");
    }

    private Path flv(byte[]... tags) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(HEADER);
        for (byte[] t : tags) {
            out.write(t);
        }
        return Files.write(dir.resolve("test.flv"), out.toByteArray());
    }

    /** One tag with its PreviousTagSize. */
    private static byte[] tag(int type, long timestamp, int... body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        medium(out, body.length);
        medium(out, (int) (timestamp & 0xFFFFFF));
        out.write((int) (timestamp >>> 24));
        medium(out, 0);
        for (int b : body) {
            out.write(b);
        }
        int size = 11 + body.length;
        out.write(size >>> 24);
        medium(out, size & 0xFFFFFF);
        return out.toByteArray();
    }

    private static void medium(ByteArrayOutputStream out, int value) {
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
