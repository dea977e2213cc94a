package dev.castrelay.ingest.srt;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the ADTS frames of an MPEG-TS AAC stream (ISO 14496-3 1.A.2) into FLV audio tag bodies, as an RTMP encoder
 * would have sent them: an AudioSpecificConfig sequence header (sent again if the format changes), then raw AAC
 * frames. Each ADTS frame is 1024 samples.
 *
 * <p>One per stream, used by its reader thread only.
 */
final class FlvAudio {

    /** One FLV tag and its offset in ms from the packet's timestamp (an ADTS packet may hold several frames). */
    record Tag(byte[] body, boolean sequenceHeader, long offsetMillis) {
    }

    /** FLV sound format 10 (AAC); the rate, size and channel bits are fixed for AAC (FLV spec, E.4.2.1). */
    private static final int FLV_AAC = 0xAF;
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
        8000, 7350};

    private byte[] sentConfig;
    /** The duration of the frames of the last packet converted, in ms (fractional: 1024 samples at 48 kHz). */
    private double lastPacketMillis;

    /** The next packet converted starts with the sequence header again (the last one's tags were not sent). */
    void resendConfig() {
        sentConfig = null;
    }

    /** How long the frames of the last packet converted last, in ms. */
    double lastPacketMillis() {
        return lastPacketMillis;
    }

    /**
     * The tags of one packet of ADTS frames.
     *
     * @throws IllegalArgumentException at bytes that are not an ADTS frame
     */
    List<Tag> convert(byte[] data, int size) {
        List<Tag> tags = new ArrayList<>(2);
        int at = 0;
        int frames = 0;
        while (at < size) {
            if (size - at < 7 || (data[at] & 0xFF) != 0xFF || (data[at + 1] & 0xF6) != 0xF0) {
                throw new IllegalArgumentException("not an ADTS frame at byte " + at + " of " + size);
            }
            boolean crc = (data[at + 1] & 0x01) == 0;
            int profile = (data[at + 2] >> 6) & 0x03;
            int rateIndex = (data[at + 2] >> 2) & 0x0F;
            int channels = ((data[at + 2] & 0x01) << 2) | ((data[at + 3] >> 6) & 0x03);
            int frameLength = ((data[at + 3] & 0x03) << 11) | ((data[at + 4] & 0xFF) << 3) | ((data[at + 5] >> 5) & 0x07);
            int header = crc ? 9 : 7;
            if (rateIndex >= RATES.length) {
                throw new IllegalArgumentException("ADTS sampling frequency index " + rateIndex + " is reserved");
            }
            if (frameLength < header || at + frameLength > size) {
                throw new IllegalArgumentException("ADTS frame length " + frameLength + " at byte " + at
                        + " does not fit the packet's " + size + " bytes");
            }
            long offset = frames * 1024L * 1000 / RATES[rateIndex];
            // AudioSpecificConfig: audioObjectType (profile + 1), samplingFrequencyIndex, channelConfiguration.
            int objectType = profile + 1;
            byte[] config = {(byte) ((objectType << 3) | (rateIndex >> 1)),
                (byte) (((rateIndex & 1) << 7) | (channels << 3))};
            if (!Arrays.equals(config, sentConfig)) {
                sentConfig = config;
                tags.add(new Tag(new byte[] {(byte) FLV_AAC, 0, config[0], config[1]}, true, offset));
            }
            byte[] raw = new byte[2 + frameLength - header];
            raw[0] = (byte) FLV_AAC;
            raw[1] = 1; // AACPacketType: raw
            System.arraycopy(data, at + header, raw, 2, frameLength - header);
            tags.add(new Tag(raw, false, offset));
            at += frameLength;
            frames++;
            lastPacketMillis = frames * 1024.0 * 1000 / RATES[rateIndex];
        }
        return tags;
    }
}
