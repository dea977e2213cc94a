package dev.castrelay.rtmp.amf;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads AMF0 values into plain Java values: {@link Double}, {@link Boolean}, {@link String}, {@link Map} (object,
 * insertion ordered), {@link EcmaArray}, {@link List} (strict array), {@code null} (null and undefined). Dates come
 * as their milliseconds as a Double. Reads never trust a length: every one is checked against what is readable and
 * nesting is bounded, so hostile input ends in an {@link AmfException}, not an allocation.
 */
public final class Amf0Reader {

    /** Nesting deeper than this is refused: real commands nest two or three levels. */
    public static final int MAX_DEPTH = 32;
    /** Entries in one object/array: real metadata has a few dozen. */
    public static final int MAX_ENTRIES = 4096;

    private Amf0Reader() {
    }

    /** Reads every value until the buffer is empty. */
    public static List<Object> readAll(ByteBuf in) {
        List<Object> values = new ArrayList<>();
        while (in.isReadable()) {
            values.add(read(in, 0));
        }
        return values;
    }

    /** Reads one value. */
    public static Object read(ByteBuf in) {
        return read(in, 0);
    }

    private static Object read(ByteBuf in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new AmfException("AMF0 nesting depth exceeds maximum " + MAX_DEPTH);
        }
        need(in, 1, "type marker");
        int marker = in.readUnsignedByte();
        switch (marker) {
            case Amf0.NUMBER:
                need(in, 8, "number");
                return in.readDouble();
            case Amf0.BOOLEAN:
                need(in, 1, "boolean");
                return in.readByte() != 0;
            case Amf0.STRING:
                return readUtf8(in, 2);
            case Amf0.LONG_STRING:
            case Amf0.XML_DOCUMENT:
                return readUtf8(in, 4);
            case Amf0.OBJECT:
                return readProperties(in, new LinkedHashMap<>(), depth);
            case Amf0.TYPED_OBJECT:
                readUtf8(in, 2); // class name: we only need the properties
                return readProperties(in, new LinkedHashMap<>(), depth);
            case Amf0.ECMA_ARRAY:
                need(in, 4, "ECMA array count");
                in.skipBytes(4); // the count is a hint; the object-end marker is what ends it
                return readProperties(in, new EcmaArray(), depth);
            case Amf0.STRICT_ARRAY: {
                need(in, 4, "strict array count");
                long count = in.readUnsignedInt();
                if (count > MAX_ENTRIES) {
                    throw new AmfException("AMF0 strict array count " + count + " exceeds maximum " + MAX_ENTRIES);
                }
                List<Object> list = new ArrayList<>((int) count);
                for (int i = 0; i < count; i++) {
                    list.add(read(in, depth + 1));
                }
                return list;
            }
            case Amf0.DATE: {
                need(in, 10, "date");
                double millis = in.readDouble();
                in.skipBytes(2); // time zone: reserved, always 0
                return millis;
            }
            case Amf0.NULL:
            case Amf0.UNDEFINED:
            case Amf0.UNSUPPORTED:
                return null;
            default:
                throw new AmfException("unsupported AMF0 type marker 0x" + Integer.toHexString(marker)
                        + " at offset " + (in.readerIndex() - 1));
        }
    }

    private static <M extends Map<String, Object>> M readProperties(ByteBuf in, M map, int depth) {
        while (true) {
            String key = readUtf8(in, 2);
            if (key.isEmpty()) {
                need(in, 1, "object end marker");
                if (in.getUnsignedByte(in.readerIndex()) == Amf0.OBJECT_END) {
                    in.skipBytes(1);
                    return map;
                }
            }
            if (map.size() >= MAX_ENTRIES) {
                throw new AmfException("AMF0 object has more than " + MAX_ENTRIES + " properties");
            }
            map.put(key, read(in, depth + 1));
        }
    }

    private static String readUtf8(ByteBuf in, int lengthBytes) {
        need(in, lengthBytes, "string length");
        long length = lengthBytes == 2 ? in.readUnsignedShort() : in.readUnsignedInt();
        need(in, length, "string of " + length + " bytes");
        String s = in.toString(in.readerIndex(), (int) length, StandardCharsets.UTF_8);
        in.skipBytes((int) length);
        return s;
    }

    private static void need(ByteBuf in, long bytes, String what) {
        if (in.readableBytes() < bytes) {
            throw new AmfException("truncated AMF0 " + what + ": need " + bytes + " bytes, have "
                    + in.readableBytes());
        }
    }
}
