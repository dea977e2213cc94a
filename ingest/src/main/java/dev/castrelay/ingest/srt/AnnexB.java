package dev.castrelay.ingest.srt;

import java.util.ArrayList;
import java.util.List;

/**
 * NAL units of an Annex-B byte stream (ITU-T H.264 / H.265 Annex B, what MPEG-TS carries): each after a
 * {@code 00 00 01} or {@code 00 00 00 01} start code. FLV wants them length-prefixed instead (AVCC/HVCC).
 */
final class AnnexB {

    /** One NAL unit: {@code length} bytes of the access unit from {@code offset}, header byte first. */
    record Nal(int offset, int length) {
    }

    private AnnexB() {
    }

    /** The NAL units of {@code au}, in order; bytes before the first start code are not a NAL unit and are skipped. */
    static List<Nal> split(byte[] au, int size) {
        List<Nal> nals = new ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < size) {
            if (au[i] == 0 && au[i + 1] == 0 && au[i + 2] == 1) {
                if (start >= 0) {
                    nals.add(trimmed(au, start, i));
                }
                i += 3;
                start = i;
            } else {
                i++;
            }
        }
        if (start >= 0 && start < size) {
            nals.add(trimmed(au, start, size));
        }
        nals.removeIf(n -> n.length() == 0);
        return nals;
    }

    /** The NAL from {@code start} to {@code end}, without the zero bytes of the next start code (00 00 00 01). */
    private static Nal trimmed(byte[] au, int start, int end) {
        while (end > start && au[end - 1] == 0) {
            end--;
        }
        return new Nal(start, end - start);
    }
}
