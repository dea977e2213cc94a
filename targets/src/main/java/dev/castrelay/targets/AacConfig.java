package dev.castrelay.targets;

/**
 * The two facts of an AAC AudioSpecificConfig (ISO/IEC 14496-3, 1.6.2.1) a muxer wants: sample rate and channels.
 */
record AacConfig(int sampleRate, int channels) {

    private static final int[] RATES = {96_000, 88_200, 64_000, 48_000, 44_100, 32_000, 24_000, 22_050, 16_000,
            12_000, 11_025, 8_000, 7_350};

    /** The config of {@code asc}, or null when it is too short or names no rate or channel layout. */
    static AacConfig parse(byte[] asc) {
        if (asc == null || asc.length < 2) {
            return null;
        }
        long bits = 0;
        for (int i = 0; i < Math.min(asc.length, 7); i++) {
            bits |= (asc[i] & 0xffL) << (48 - 8 * i);
        }
        int pos = 0;
        int objectType = (int) (bits >>> (56 - 5)) & 0x1f;
        pos += 5;
        if (objectType == 31) {
            pos += 6; // escape: 6 more bits of object type
        }
        int rateIndex = (int) (bits >>> (56 - pos - 4)) & 0x0f;
        pos += 4;
        int rate;
        if (rateIndex == 0x0f) {
            if (asc.length < 5) {
                return null;
            }
            rate = (int) (bits >>> (56 - pos - 24)) & 0xffffff;
            pos += 24;
        } else if (rateIndex < RATES.length) {
            rate = RATES[rateIndex];
        } else {
            return null;
        }
        int channelConfig = (int) (bits >>> (56 - pos - 4)) & 0x0f;
        int channels = channelConfig == 7 ? 8 : channelConfig;
        return channels == 0 || rate == 0 ? null : new AacConfig(rate, channels);
    }
}
