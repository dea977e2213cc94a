package dev.castrelay.rtmp.chunk;

import dev.castrelay.rtmp.Bytes;
import io.netty.buffer.ByteBufUtil;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Chunk streams and the messages they carry, shared by the decoder and the encoder test (initial chunk size 128).
 * A decode-only case is valid input our encoder never produces (interleaving, Abort, a type 3 after a type 0...).
 */
final class ChunkCases {

    /** A message as the tables write it: the payload as hex so records compare by value. */
    record Msg(int csid, long timestamp, int typeId, long streamId, String payload) {

        static Msg of(int csid, long timestamp, int typeId, long streamId, byte[] payload) {
            return new Msg(csid, timestamp, typeId, streamId, ByteBufUtil.hexDump(payload));
        }

        /** Reads and releases. */
        static Msg of(RawMessage raw) {
            try {
                return new Msg(raw.chunkStreamId(), raw.timestamp(), raw.typeId(), raw.streamId(),
                        ByteBufUtil.hexDump(raw.payload()));
            } finally {
                raw.release();
            }
        }

        RawMessage toRaw() {
            return new RawMessage(csid, timestamp, typeId, streamId,
                    Bytes.pooled(ByteBufUtil.decodeHexDump(payload)));
        }
    }

    record Case(String name, boolean decodeOnly, byte[] wire, List<Msg> messages) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final byte[] P200 = Bytes.counting(200);
    static final byte[] P300 = Bytes.counting(300);

    private ChunkCases() {
    }

    static Stream<Case> all() {
        return Stream.of(
                both("type 0 header carries everything",
                        wire("03 | 00 03 E8 | 00 00 04 | 14 | 00 00 00 00 | 'abcd'"),
                        Msg.of(3, 1000, 20, 0, Bytes.of("'abcd'"))),
                both("type 0 stream id is little-endian",
                        wire("04 000000 000001 08 04030201 AF"),
                        Msg.of(4, 0, 8, 0x01020304L, Bytes.of("AF"))),
                both("zero-length message is one bare header",
                        wire("03 000000 000000 14 00000000"),
                        Msg.of(3, 0, 20, 0, new byte[0])),
                both("type 1 header when type and length change",
                        wire("04 000000 000002 08 01000000 AF00 | 44 000014 000003 09 'xyz'"),
                        Msg.of(4, 0, 8, 1, Bytes.of("AF 00")), Msg.of(4, 20, 9, 1, Bytes.of("'xyz'"))),
                both("type 2 header for a new delta, type 3 when the delta repeats",
                        wire("04 000000 000002 08 01000000 AF01 | 84 000017 AF01 | C4 AF01"),
                        Msg.of(4, 0, 8, 1, Bytes.of("AF 01")), Msg.of(4, 23, 8, 1, Bytes.of("AF 01")),
                        Msg.of(4, 46, 8, 1, Bytes.of("AF 01"))),
                both("timestamp going back needs a type 0 header",
                        wire("04 000064 000001 08 01000000 AF | 04 000032 000001 08 01000000 AE"),
                        Msg.of(4, 100, 8, 1, Bytes.of("AF")), Msg.of(4, 50, 8, 1, Bytes.of("AE"))),
                both("another message stream needs a type 0 header",
                        wire("04 00000A 000001 08 01000000 AF | 04 000014 000001 08 02000000 AF"),
                        Msg.of(4, 10, 8, 1, Bytes.of("AF")), Msg.of(4, 20, 8, 2, Bytes.of("AF"))),
                both("message longer than the chunk size is split with type 3 continuations",
                        wire("06 000000 00012C 09 01000000", slice(P300, 0, 128), "C6", slice(P300, 128, 256), "C6",
                                slice(P300, 256, 300)),
                        Msg.of(6, 0, 9, 1, P300)),
                both("two-byte chunk stream id 64",
                        wire("00 00 | 000000 000001 09 01000000 17"), Msg.of(64, 0, 9, 1, Bytes.of("17"))),
                both("two-byte chunk stream id 319",
                        wire("00 FF | 000000 000001 09 01000000 17"), Msg.of(319, 0, 9, 1, Bytes.of("17"))),
                both("three-byte chunk stream id 320",
                        wire("01 00 01 | 000000 000001 09 01000000 17"), Msg.of(320, 0, 9, 1, Bytes.of("17"))),
                both("three-byte chunk stream id 65599",
                        wire("01 FF FF | 000000 000001 09 01000000 17"), Msg.of(65599, 0, 9, 1, Bytes.of("17"))),
                both("three-byte chunk stream id continues with three-byte type 3 headers",
                        wire("01 00 01 | 000000 0000C8 09 01000000", slice(P200, 0, 128), "C1 00 01",
                                slice(P200, 128, 200)),
                        Msg.of(320, 0, 9, 1, P200)),
                decodeOnly("three-byte form of a small chunk stream id",
                        wire("01 00 00 | 000000 000001 09 01000000 17"), Msg.of(64, 0, 9, 1, Bytes.of("17"))),
                both("timestamp 0xFFFFFF is already extended",
                        wire("03 FFFFFF 000001 14 00000000 00FFFFFF 05"), Msg.of(3, 0xFFFFFF, 20, 0, Bytes.of("05"))),
                both("extended timestamp on a type 0 header",
                        wire("03 FFFFFF 000001 14 00000000 01000000 05"), Msg.of(3, 0x01000000, 20, 0, Bytes.of("05"))),
                both("extended timestamp is repeated on type 3 continuations",
                        wire("06 FFFFFF 0000C8 09 01000000 FFFFFFFE", slice(P200, 0, 128), "C6 FFFFFFFE",
                                slice(P200, 128, 200)),
                        Msg.of(6, 0xFFFFFFFEL, 9, 1, P200)),
                both("extended delta on type 2 and on the type 3 that repeats it",
                        wire("04 000000 000001 08 01000000 AF | 84 FFFFFF 01000000 AF | C4 01000000 AF"),
                        Msg.of(4, 0, 8, 1, Bytes.of("AF")), Msg.of(4, 0x01000000, 8, 1, Bytes.of("AF")),
                        Msg.of(4, 0x02000000, 8, 1, Bytes.of("AF"))),
                decodeOnly("type 3 after type 0 uses the type 0 timestamp as its delta (spec 5.3.1.2.4)",
                        wire("04 00000A 000001 08 01000000 AF | C4 AE"),
                        Msg.of(4, 10, 8, 1, Bytes.of("AF")), Msg.of(4, 20, 8, 1, Bytes.of("AE"))),
                decodeOnly("timestamp delta wraps at 2^32",
                        wire("03 FFFFFF 000001 14 00000000 FFFFFFF0 05 | 83 000020 05"),
                        Msg.of(3, 0xFFFFFFF0L, 20, 0, Bytes.of("05")), Msg.of(3, 0x10, 20, 0, Bytes.of("05"))),
                decodeOnly("interleaved chunk streams complete in their own order",
                        wire("06 000000 0000C8 09 01000000", slice(P200, 0, 128),
                                "04 000000 000002 08 01000000 AF01", "C6", slice(P200, 128, 200)),
                        Msg.of(4, 0, 8, 1, Bytes.of("AF 01")), Msg.of(6, 0, 9, 1, P200)),
                decodeOnly("set chunk size applies to the next chunk",
                        wire("02 000000 000004 01 00000000 00000100 | 06 000000 00012C 09 01000000",
                                slice(P300, 0, 256), "C6", slice(P300, 256, 300)),
                        Msg.of(2, 0, 1, 0, Bytes.of("00000100")), Msg.of(6, 0, 9, 1, P300)),
                decodeOnly("abort discards the partial message of its chunk stream",
                        wire("06 000000 0000C8 09 01000000", slice(P200, 0, 128),
                                "02 000000 000004 02 00000000 00000006 | 06 000028 000002 09 01000000 1701"),
                        Msg.of(2, 0, 2, 0, Bytes.of("00000006")), Msg.of(6, 40, 9, 1, Bytes.of("1701"))));
    }

    static Stream<Case> encodable() {
        return all().filter(c -> !c.decodeOnly());
    }

    private static Case both(String name, byte[] wire, Msg... messages) {
        return new Case(name, false, wire, List.of(messages));
    }

    private static Case decodeOnly(String name, byte[] wire, Msg... messages) {
        return new Case(name, true, wire, List.of(messages));
    }

    /** Hex strings (see {@link Bytes#of}) and raw byte arrays, in order. */
    static byte[] wire(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            out.writeBytes(p instanceof byte[] b ? b : Bytes.of((String) p));
        }
        return out.toByteArray();
    }

    static byte[] slice(byte[] b, int from, int to) {
        return Arrays.copyOfRange(b, from, to);
    }
}
