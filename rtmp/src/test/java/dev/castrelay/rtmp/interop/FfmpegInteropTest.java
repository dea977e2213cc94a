package dev.castrelay.rtmp.interop;

import dev.castrelay.rtmp.Bytes;
import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.amf.Amf0Reader;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.ClientSession;
import dev.castrelay.rtmp.session.Loopback;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.Received;
import dev.castrelay.testkit.Ffprobe;
import dev.castrelay.testkit.FlvFile;
import dev.castrelay.testkit.MediaInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Our server and client against the real FFmpeg, the reference RTMP publisher and a simple RTMP server. */
class FfmpegInteropTest {

    @TempDir
    Path dir;
    private final Loopback loopback = new Loopback();

    @BeforeEach
    void needsFfmpeg() {
        Ffmpeg.requireInstalled();
    }

    @AfterEach
    void stop() {
        loopback.close();
    }

    @Test
    void ffmpegPublishesH264AndAacToOurServer() throws Exception {
        Received received = new Received();
        // -Dcastrelay.fuzz.capture=<file> records what ffmpeg sent, to refresh the fuzz corpus.
        String capture = System.getProperty("castrelay.fuzz.capture");
        InboundRecorder recorder = capture == null ? null : new InboundRecorder(64 * 1024);
        int port = loopback.startServer((request, session) -> new PublishDecision.Accept(received), recorder);
        Path log = dir.resolve("ffmpeg.log");

        Process ffmpeg = Ffmpeg.start(log, "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25",
                "-f", "lavfi", "-i", "sine", "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50",
                "-c:a", "aac", "-f", "flv", "rtmp://127.0.0.1:" + port + "/live/key");

        assertThat(Ffmpeg.await(ffmpeg, 60)).as(() -> readQuietly(log)).isZero();
        await().atMost(Duration.ofSeconds(10)).untilTrue(received.ended);
        List<Received.Packet> video = received.of(MediaPacket.Kind.VIDEO);
        List<Received.Packet> audio = received.of(MediaPacket.Kind.AUDIO);
        List<Received.Packet> data = received.of(MediaPacket.Kind.DATA);
        assertThat(data).as("metadata, @setDataFrame stripped").isNotEmpty();
        assertThat(Amf0Reader.read(Bytes.wrap(data.get(0).payload()))).isEqualTo("onMetaData");
        assertThat(video.get(0).sequenceHeader()).as("AVC sequence header first").isTrue();
        assertThat(video.get(0).videoCodec()).isEqualTo(MediaPacket.CODEC_AVC);
        assertThat(audio.get(0).sequenceHeader()).as("AAC sequence header first").isTrue();
        assertThat(audio.get(0).soundFormat()).isEqualTo(MediaPacket.SOUND_AAC);
        List<Received.Packet> frames = video.stream().filter(p -> !p.sequenceHeader()).toList();
        assertThat(frames).hasSizeBetween(70, 80);
        assertThat(frames.get(0).keyframe()).isTrue();
        assertThat(frames.stream().filter(Received.Packet::keyframe).count())
                .as("GOP of 50 over ~75 frames, plus any scene cut").isGreaterThanOrEqualTo(2);
        assertThat(frames).extracting(Received.Packet::timestamp).isSorted();
        assertThat(audio.size()).as("AAC frames of 3 s at 44.1 kHz").isGreaterThan(100);
        if (recorder != null) {
            Files.write(Path.of(capture), recorder.afterHandshake());
        }
    }

    @Test
    void ourClientPublishesAnFlvToFfmpegListening() throws Exception {
        Path in = dir.resolve("in.flv");
        Path out = dir.resolve("out.flv");
        Ffmpeg.run(dir.resolve("make.log"), "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-f", "lavfi",
                "-i", "sine", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-c:a", "aac",
                "-f", "flv", in.toString());
        List<FlvFile.Tag> tags = FlvFile.read(in);
        int port = freePort();
        Path log = dir.resolve("listen.log");
        Process ffmpeg = Ffmpeg.start(log, "-listen", "1", "-i", "rtmp://127.0.0.1:" + port + "/live/key",
                "-c", "copy", "-f", "flv", out.toString());
        AtomicBoolean publishing = new AtomicBoolean();
        AtomicReference<String> rejected = new AtomicReference<>();
        ClientSession.Listener listener = new ClientSession.Listener() {
            @Override
            public void onPublishing(ClientSession session) {
                publishing.set(true);
            }

            @Override
            public void onRejected(ClientSession session, String description) {
                rejected.set(description);
            }
        };
        RtmpUrl url = RtmpUrl.parse("rtmp://127.0.0.1:" + port + "/live/key");

        // ffmpeg accepts exactly one connection: retry connecting until it listens, never probe the port.
        AtomicReference<ClientSession> client = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> client.compareAndSet(null, loopback.connect(url, listener)));
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> publishing.get() || rejected.get() != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no answer to publish; we saw " + loopback.clientProblems + "; ffmpeg said:\n" + readQuietly(log), e);
        }
        assertThat(rejected.get()).isNull();
        loopback.onLoop(() -> {
            for (FlvFile.Tag tag : tags) {
                MediaPacket p = MediaPacket.of(MediaPacket.Kind.ofMessageType(tag.type()), tag.timestamp(),
                        Bytes.pooled(tag.body()));
                client.get().send(p);
                p.release();
            }
            client.get().flush();
            client.get().unpublish();
        });

        assertThat(Ffmpeg.await(ffmpeg, 30)).as(() -> readQuietly(log)).isZero();
        MediaInfo received = Ffprobe.probe(out);
        assertThat(received.video().codec()).isEqualTo("h264");
        assertThat(received.audio().codec()).isEqualTo("aac");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String readQuietly(Path log) {
        try {
            return Files.readString(log);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}
