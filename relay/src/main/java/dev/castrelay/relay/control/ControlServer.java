package dev.castrelay.relay.control;

import dev.castrelay.config.ControlConfig;
import dev.castrelay.config.ListenAddress;
import dev.castrelay.relay.Relay;
import dev.castrelay.rtmp.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The control API's HTTP server on {@code control.listen}: one event loop for the sockets and one executor for
 * the API's work (health snapshots, state-file writes, metric scrapes, the event stream's ticks), so nothing the
 * API does runs on, or waits for, the relay's media threads.
 */
public final class ControlServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ControlServer.class);

    private final EventLoopGroup loop = Transport.newGroup(1, "control");
    private final EventExecutor apiExecutor = new DefaultEventExecutor(new DefaultThreadFactory("control-api", true));
    private final RelayMetrics metrics;
    private final EventStream events;
    private final Channel channel;

    private ControlServer(ControlConfig control, Relay relay, RuntimeTargets runtime,
                          ControlInitializer.Limits limits) {
        ListenAddress listen = ListenAddress.parse(control.listen());
        Supplier<List<String>> secrets = () -> secrets(relay, control);
        metrics = new RelayMetrics(relay);
        events = new EventStream(relay, secrets, apiExecutor);
        BearerToken token = new BearerToken(control.token(), control.publicMetrics());
        ControlHandler handler = new ControlHandler(apiExecutor, relay, token,
                new TargetsApi(runtime, relay.targets(), secrets), events, metrics, new Dashboard(), secrets);
        try {
            channel = new ServerBootstrap().group(loop).channel(Transport.serverChannel(loop))
                    .childHandler(new ControlInitializer(limits, token, handler))
                    .bind(listen.host(), listen.port()).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            close();
            throw new ControlException("cannot listen on " + listen + " for the control API: " + e.getMessage(), e);
        }
        if (!listen.isLoopback()) {
            log.warn("control API listening beyond loopback on {}: only the token protects it; put TLS in front "
                    + "of it when it crosses a network", listen);
        }
        log.info("control API at {}", url());
    }

    /**
     * Serves the API for {@code relay}.
     *
     * @throws ControlException without a token (the API is never served open), or when the address cannot be
     *                          bound
     */
    public static ControlServer start(ControlConfig control, Relay relay, RuntimeTargets runtime) {
        return start(control, relay, runtime, ControlInitializer.Limits.DEFAULT);
    }

    static ControlServer start(ControlConfig control, Relay relay, RuntimeTargets runtime,
                               ControlInitializer.Limits limits) {
        if (control == null || control.token() == null || control.token().isBlank()) {
            String listen = control == null ? "(none)" : control.listen();
            throw new ControlException("control.token is empty: refusing to serve the control API on " + listen
                    + (listen != null && isLoopback(listen) ? "" : ", beyond loopback,") + " without a token");
        }
        return new ControlServer(control, relay, runtime, limits);
    }

    private static boolean isLoopback(String listen) {
        try {
            return ListenAddress.parse(listen).isLoopback();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Every secret the relay knows: masked wherever a peer's text could echo one. */
    private static List<String> secrets(Relay relay, ControlConfig control) {
        List<String> list = new ArrayList<>(relay.secrets()); // the backup key included
        list.add(control.token());
        return list;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** {@code http://host:port}, as the CLI's {@code --control} takes it. */
    public String url() {
        InetSocketAddress a = localAddress();
        String host = a.getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
    }

    /** Stops listening and ends every open connection, event streams included. */
    @Override
    public void close() {
        if (events != null) {
            events.close();
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        apiExecutor.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (metrics != null) {
            metrics.close();
        }
    }
}
