package dev.castrelay.rtmp.amf;

import dev.castrelay.rtmp.Bytes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * AMF0 values and their bytes, shared by the read and the write test. A case marked read-only has a wire form our
 * writer never produces (undefined, date, a wrong ECMA count hint, typed objects).
 */
final class Amf0Cases {

    record Case(String name, Object value, byte[] bytes, boolean readOnly) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Amf0Cases() {
    }

    static Stream<Case> all() {
        return Stream.of(
                both("number one", 1.0, "00 3F F0 00 00 00 00 00 00"),
                both("number zero", 0.0, "00 00 00 00 00 00 00 00 00"),
                both("negative number", -2.5, "00 C0 04 00 00 00 00 00 00"),
                both("true", true, "01 01"),
                both("false", false, "01 00"),
                both("empty string", "", "02 00 00"),
                both("string", "connect", "02 00 07 'connect'"),
                both("utf-8 string", "é", "02 00 02 C3 A9"),
                new Case("long string", "a".repeat(65536),
                        Bytes.concat(Bytes.of("0C 00 01 00 00"), Bytes.filled(65536, 'a')), false),
                both("null", null, "05"),
                both("empty object", new LinkedHashMap<>(), "03 00 00 09"),
                both("object", map("app", "live", "tcUrl", "rtmp://h/live"),
                        "03 | 00 03 'app' 02 00 04 'live' | 00 05 'tcUrl' 02 00 0D 'rtmp://h/live' | 00 00 09"),
                both("nested object with null", map("a", map("b", null)),
                        "03 00 01 'a' 03 00 01 'b' 05 00 00 09 00 00 09"),
                both("ecma array", ecma("duration", 0.0, "stereo", true),
                        "08 00 00 00 02 | 00 08 'duration' 00 00 00 00 00 00 00 00 00 | 00 06 'stereo' 01 01 | 00 00 09"),
                both("empty strict array", List.of(), "0A 00 00 00 00"),
                both("strict array", list(1.0, "a", null), "0A 00 00 00 03 00 3F F0 00 00 00 00 00 00 02 00 01 'a' 05"),
                read("undefined reads as null", null, "06"),
                read("date reads as its milliseconds", 1.0, "0B 3F F0 00 00 00 00 00 00 00 00"),
                read("ecma array count is only a hint", ecma("a", 1.0),
                        "08 00 00 00 00 00 01 'a' 00 3F F0 00 00 00 00 00 00 00 00 09"),
                read("typed object reads as its properties", map("x", false),
                        "10 00 03 'Foo' 00 01 'x' 01 00 00 00 09"));
    }

    static Stream<Case> writable() {
        return all().filter(c -> !c.readOnly());
    }

    private static Case both(String name, Object value, String bytes) {
        return new Case(name, value, Bytes.of(bytes), false);
    }

    private static Case read(String name, Object value, String bytes) {
        return new Case(name, value, Bytes.of(bytes), true);
    }

    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static EcmaArray ecma(Object... kv) {
        return new EcmaArray(map(kv));
    }

    static List<Object> list(Object... values) {
        return new ArrayList<>(Arrays.asList(values));
    }
}
