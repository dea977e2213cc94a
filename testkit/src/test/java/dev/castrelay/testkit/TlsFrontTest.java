package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TlsFrontTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void verifiedRtmpsPublishReachesTheSinkBehind() {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             TlsFront front = TlsFront.inFrontOf(sink);
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(Duration.ofSeconds(2))
                     .trustCa(front.caFile()).publish(front.streamUrl("secure"))) {
            assertThat(front.url()).isEqualTo("rtmps://localhost:" + front.port() + "/live");
            assertThat(ffmpeg.awaitExit(TIMEOUT)).as(ffmpeg.stderrTail()).isZero();

            MediaInfo info = Ffprobe.probe(sink.awaitRecording(TIMEOUT));
            assertThat(info.video().codec()).isEqualTo("h264");
            assertThat(info.audio().codec()).isEqualTo("aac");
        }
    }

    @Test
    void untrustedCertificateIsRefusedByAVerifyingClient() {
        try (NginxRtmpSink sink = NginxRtmpSink.start();
             TlsFront front = TlsFront.builder(sink).untrustedCertificate().start();
             FfmpegPublisher ffmpeg = FfmpegPublisher.builder().duration(Duration.ofSeconds(2))
                     .trustCa(front.caFile()).publish(front.streamUrl("spoofed"))) {
            assertThat(ffmpeg.awaitExit(TIMEOUT)).isNotZero();
            assertThat(ffmpeg.stderrTail()).contains("certificate failed verification");
            assertThat(sink.recordings()).isEmpty();
        }
    }
}
