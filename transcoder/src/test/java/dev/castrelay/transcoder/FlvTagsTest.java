package dev.castrelay.transcoder;

import dev.castrelay.config.Fit;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.media.MediaPacket;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FlvTagsTest {

    @Test
    void onMetaDataDescribesTheRendition() {
        MediaPacket p = FlvTags.onMetaData(TestMedia.rendition("main", 1280, 720, Fit.PAD, 30, 2));
        try {
            List<Object> values = Amf0Reader.readAll(p.payload().duplicate());

            assertThat(p.kind()).isEqualTo(MediaPacket.Kind.DATA);
            assertThat(values.get(0)).isEqualTo("onMetaData");
            assertThat((Map<String, Object>) values.get(1))
                    .containsEntry("width", 1280.0).containsEntry("height", 720.0).containsEntry("framerate", 30.0)
                    .containsEntry("videocodecid", 7.0).containsEntry("videodatarate", 600.0)
                    .containsEntry("audiocodecid", 10.0).containsEntry("audiodatarate", 96.0)
                    .containsEntry("audiosamplerate", 44_100.0).containsEntry("audiosamplesize", 16.0)
                    .containsEntry("stereo", true).containsKey("encoder");
        } finally {
            p.release();
        }
    }

    @Test
    void sequenceHeadersAndFramesCarryTheFlvAvcAndAacHeaders() {
        MediaPacket avc = FlvTags.avcSequenceHeader(0, new byte[] {1, 2});
        MediaPacket aac = FlvTags.aacSequenceHeader(0, new byte[] {0x12, 0x10});
        MediaPacket frame = FlvTags.avcFrame(40, -33, false,
                Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump("000001" + "41aa")));
        MediaPacket raw = FlvTags.aacFrame(23, Unpooled.wrappedBuffer(new byte[] {0x21}));
        try {
            assertThat(ByteBufUtil.hexDump(avc.payload())).isEqualTo("1700000000" + "0102");
            assertThat(avc.isSequenceHeader()).isTrue();
            assertThat(ByteBufUtil.hexDump(aac.payload())).isEqualTo("af00" + "1210");
            assertThat(aac.isSequenceHeader()).isTrue();
            assertThat(ByteBufUtil.hexDump(frame.payload())).isEqualTo("2701ffffdf" + "00000002" + "41aa");
            assertThat(FlvTags.compositionTime(frame.payload())).isEqualTo(-33);
            assertThat(ByteBufUtil.hexDump(raw.payload())).isEqualTo("af01" + "21");
        } finally {
            avc.release();
            aac.release();
            frame.release();
            raw.release();
        }
    }
}
