package dev.castrelay.rtmp.amf;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes Java values as AMF0: {@link Number} as number, {@link Boolean}, {@link CharSequence} as string (long
 * string past 65535 bytes), {@link EcmaArray} as ECMA array, other {@link Map}s as anonymous objects, {@link List}
 * as strict array, {@code null} as null.
 */
public final class Amf0Writer {

    private Amf0Writer() {
    }

    /** Writes each value in turn. */
    public static void writeAll(ByteBuf out, Object... values) {
        for (Object v : values) {
            write(out, v);
        }
    }

    public static void write(ByteBuf out, Object value) {
        if (value == null) {
            out.writeByte(Amf0.NULL);
        } else if (value instanceof Number n) {
            out.writeByte(Amf0.NUMBER).writeDouble(n.doubleValue());
        } else if (value instanceof Boolean b) {
            out.writeByte(Amf0.BOOLEAN).writeByte(b ? 1 : 0);
        } else if (value instanceof CharSequence s) {
            byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
            if (bytes.length > 0xFFFF) {
                out.writeByte(Amf0.LONG_STRING).writeInt(bytes.length).writeBytes(bytes);
            } else {
                out.writeByte(Amf0.STRING).writeShort(bytes.length).writeBytes(bytes);
            }
        } else if (value instanceof EcmaArray a) {
            out.writeByte(Amf0.ECMA_ARRAY).writeInt(a.size());
            writeProperties(out, a);
        } else if (value instanceof Map<?, ?> m) {
            out.writeByte(Amf0.OBJECT);
            writeProperties(out, m);
        } else if (value instanceof List<?> list) {
            out.writeByte(Amf0.STRICT_ARRAY).writeInt(list.size());
            for (Object item : list) {
                write(out, item);
            }
        } else {
            throw new IllegalArgumentException("no AMF0 form for " + value.getClass().getName());
        }
    }

    private static void writeProperties(ByteBuf out, Map<?, ?> map) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            byte[] key = String.valueOf(e.getKey()).getBytes(StandardCharsets.UTF_8);
            out.writeShort(key.length).writeBytes(key);
            write(out, e.getValue());
        }
        out.writeShort(0).writeByte(Amf0.OBJECT_END);
    }
}
