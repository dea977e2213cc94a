package dev.castrelay.rtmp.media;

/**
 * What the relay reads from an HEVC sequence parameter set (ITU-T H.265 7.3.2.2.1), as far as the bit depths: the
 * picture size (conformance window applied) for health, and what an hvcC record repeats.
 *
 * @param maxSubLayersMinus1    sps_max_sub_layers_minus1
 * @param temporalIdNesting     sps_temporal_id_nesting_flag
 * @param chromaFormat          chroma_format_idc (1 is 4:2:0)
 * @param bitDepthLumaMinus8    bit_depth_luma_minus8
 * @param bitDepthChromaMinus8  bit_depth_chroma_minus8
 */
public record HevcSps(int maxSubLayersMinus1, int temporalIdNesting, int chromaFormat, int width, int height,
                      int bitDepthLumaMinus8, int bitDepthChromaMinus8) {

    /**
     * Parses {@code rbsp}: the SPS NAL unit without emulation-prevention bytes, its 2-byte NAL header included.
     *
     * @throws IllegalArgumentException when it ends early
     */
    public static HevcSps parse(byte[] rbsp) {
        BitReader r = new BitReader(rbsp, 2);
        r.skip(4); // sps_video_parameter_set_id
        int maxSubLayersMinus1 = r.bits(3);
        int temporalIdNesting = r.bits(1);
        r.skip(96); // general profile_tier_level and general_level_idc
        boolean[] profilePresent = new boolean[8];
        boolean[] levelPresent = new boolean[8];
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            profilePresent[i] = r.bits(1) == 1;
            levelPresent[i] = r.bits(1) == 1;
        }
        if (maxSubLayersMinus1 > 0) {
            r.skip(2 * (8 - maxSubLayersMinus1));
        }
        for (int i = 0; i < maxSubLayersMinus1; i++) {
            r.skip((profilePresent[i] ? 88 : 0) + (levelPresent[i] ? 8 : 0));
        }
        r.ue(); // sps_seq_parameter_set_id
        int chromaFormat = r.ue();
        if (chromaFormat == 3) {
            r.skip(1); // separate_colour_plane_flag
        }
        int width = r.ue();
        int height = r.ue();
        if (r.bits(1) == 1) { // conformance_window_flag
            int left = r.ue();
            int right = r.ue();
            int top = r.ue();
            int bottom = r.ue();
            width -= (chromaFormat == 1 || chromaFormat == 2 ? 2 : 1) * (left + right);
            height -= (chromaFormat == 1 ? 2 : 1) * (top + bottom);
        }
        int bitDepthLuma = r.ue();
        int bitDepthChroma = r.ue();
        return new HevcSps(maxSubLayersMinus1, temporalIdNesting, chromaFormat, width, height, bitDepthLuma,
                bitDepthChroma);
    }
}
