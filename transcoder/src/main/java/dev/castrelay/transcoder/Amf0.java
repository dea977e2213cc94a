package dev.castrelay.transcoder;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The few AMF0 values {@code onMetaData} needs (AMF0 spec, section 2). A stopgap: {@code dev.castrelay.rtmp.amf}
 * did not exist when this was written; replace this class with its writer once it does.
 */
final class Amf0 {

    private static final int NUMBER = 0x00;
    private static final int BOOLEAN = 0x01;
    private static final int STRING = 0x02;
    private static final int ECMA_ARRAY = 0x08;
    private static final int OBJECT_END = 0x09;

    private Amf0() {
    }

    static void writeString(ByteBuf out, String s) {
        out.writeByte(STRING);
        writeUtf8(out, s);
    }

    /** An ECMA array of numbers, booleans and strings, in the map's iteration order. */
    static void writeEcmaArray(ByteBuf out, Map<String, Object> entries) {
        out.writeByte(ECMA_ARRAY);
        out.writeInt(entries.size());
        for (Map.Entry<String, Object> e : entries.entrySet()) {
            writeUtf8(out, e.getKey());
            Object v = e.getValue();
            if (v instanceof Number n) {
                out.writeByte(NUMBER);
                out.writeDouble(n.doubleValue());
            } else if (v instanceof Boolean b) {
                out.writeByte(BOOLEAN);
                out.writeByte(b ? 1 : 0);
            } else {
                writeString(out, String.valueOf(v));
            }
        }
        out.writeShort(0); // empty key, then the end marker
        out.writeByte(OBJECT_END);
    }

    private static void writeUtf8(ByteBuf out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.writeBytes(bytes);
    }
}
