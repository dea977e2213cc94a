package dev.castrelay.relay.transcode.bench;

import dev.castrelay.relay.Relay;
import dev.castrelay.relay.transcode.ReplayPublisher;
import dev.castrelay.relay.transcode.TranscodeConfig;
import dev.castrelay.rtmp.RtmpLimits;
import dev.castrelay.rtmp.media.MediaListener;
import dev.castrelay.rtmp.media.MediaPacket;
import dev.castrelay.rtmp.session.PublishDecision;
import dev.castrelay.rtmp.session.RtmpServerInitializer;
import dev.castrelay.testkit.FfmpegPublisher;
import dev.castrelay.testkit.FlvFile;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay's added latency, publisher send to platform receive, for one 960x540 veryfast rendition, all in one JVM:
 * our {@link ReplayPublisher} sends an ffmpeg-made 1280x720 FLV in real time and notes the wall time each video tag
 * left; an in-process RTMP server (the production {@link RtmpServerInitializer}) as the platform notes the wall time
 * each output video frame arrived.
 *
 * <p>Matching: the rendition's clock starts at 0 at the first ingest frame and runs at the same 30 fps, so output
 * frame {@code k} (by presentation time: FLV timestamp plus composition offset, minus the first output frame's) shows
 * the input frame whose timestamp is {@code k / 30} s after the first input frame's. Latency is arrival of the output
 * frame minus the send of that input frame: decode, scale, encode (x264's lookahead and B-frame delay included) and
 * the push. The first 5 s (JIT warm-up) are left out.
 */
public final class TranscodeLatencyBench {

    private static final long WARM_UP_MS = 5000;

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = TranscodeCpuBench.options(args);
        int seconds = Integer.parseInt(opts.getOrDefault("duration", "30"));
        int runs = Integer.parseInt(opts.getOrDefault("runs", "3"));
        Path work = Files.createTempDirectory("castrelay-latency-");
        Path input = FfmpegPublisher.builder().size(1280, 720).fps(30).videoBitrateKbps(4000)
                .duration(Duration.ofSeconds(seconds)).writeFlv(work.resolve("input.flv"));
        List<FlvFile.Tag> tags = FlvFile.read(input);
        List<Double> medians = new ArrayList<>();
        List<Double> p99s = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            List<Double> latencies = once(tags);
            List<Double> sorted = latencies.stream().sorted().toList();
            double median = percentile(sorted, 0.50);
            double p99 = percentile(sorted, 0.99);
            medians.add(median);
            p99s.add(p99);
            System.out.printf(Locale.ROOT, "run %d: %d frames matched, median %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    run, sorted.size(), median, p99, sorted.get(sorted.size() - 1));
        }
        System.out.printf(Locale.ROOT, "added latency over %d run(s): median %.0f ms, p99 %.0f ms (medians of runs)%n",
                runs, TranscodeCpuBench.median(medians), TranscodeCpuBench.median(p99s));
        System.exit(0);
    }

    private static List<Double> once(List<FlvFile.Tag> tags) throws Exception {
        Map<Long, Long> sentNanos = new ConcurrentHashMap<>();
        Map<Long, Long> arrivedNanos = new TreeMap<>();
        EventLoopGroup platformLoop = new NioEventLoopGroup(1);
        Channel platform = new ServerBootstrap().group(platformLoop).channel(NioServerSocketChannel.class)
                .childHandler(new RtmpServerInitializer(RtmpLimits.DEFAULT, (request, session) ->
                        new PublishDecision.Accept(new MediaListener() {
                            @Override
                            public void onPacket(MediaPacket p) {
                                if (p.isVideo() && !p.isSequenceHeader()) {
                                    long now = System.nanoTime();
                                    synchronized (arrivedNanos) {
                                        arrivedNanos.put(p.timestamp() + compositionTime(p), now);
                                    }
                                }
                            }
                        })))
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        int platformPort = ((InetSocketAddress) platform.localAddress()).getPort();
        Relay relay = Relay.start(TranscodeConfig.ingestKey("latency")
                .rendition("main", "width: 960, height: 540, fps: 30, bitrate: 1500k, keyframeSeconds: 2, preset: veryfast")
                .target("platform", "main", "rtmp://127.0.0.1:" + platformPort + "/live", "k")
                .load());
        try (ReplayPublisher publisher = ReplayPublisher.start(
                "rtmp://127.0.0.1:" + relay.ingestAddress().getPort() + "/live/latency", tags, (tag, nanos) -> {
                    if (tag.isAvcFrame()) {
                        sentNanos.put(tag.timestamp(), nanos);
                    }
                })) {
            publisher.finished().get(tags.get(tags.size() - 1).timestamp() / 1000 + 30, TimeUnit.SECONDS);
            Thread.sleep(2000); // the frames still in the encoder come out behind the slate's first frames
        } finally {
            relay.close();
            platform.close().sync();
            platformLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        return match(new TreeMap<>(sentNanos), arrivedNanos);
    }

    private static List<Double> match(TreeMap<Long, Long> sent, Map<Long, Long> arrived) {
        long firstIn = sent.firstKey();
        long firstOut = arrived.keySet().iterator().next();
        List<Double> latencies = new ArrayList<>();
        for (Map.Entry<Long, Long> out : arrived.entrySet()) {
            long inTs = out.getKey() - firstOut + firstIn;
            if (inTs - firstIn < WARM_UP_MS) {
                continue;
            }
            Map.Entry<Long, Long> in = nearest(sent, inTs);
            if (in != null && Math.abs(in.getKey() - inTs) <= 17) {
                latencies.add((out.getValue() - in.getValue()) / 1e6);
            }
        }
        return latencies;
    }

    private static Map.Entry<Long, Long> nearest(TreeMap<Long, Long> sent, long ts) {
        Map.Entry<Long, Long> lo = sent.floorEntry(ts);
        Map.Entry<Long, Long> hi = sent.ceilingEntry(ts);
        if (lo == null) {
            return hi;
        }
        if (hi == null) {
            return lo;
        }
        return ts - lo.getKey() <= hi.getKey() - ts ? lo : hi;
    }

    /** FLV AVC composition time: a signed 24-bit field after the frame-type and packet-type bytes. */
    private static int compositionTime(MediaPacket p) {
        int ri = p.payload().readerIndex();
        return p.payload().getMedium(ri + 2);
    }

    private static double percentile(List<Double> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
