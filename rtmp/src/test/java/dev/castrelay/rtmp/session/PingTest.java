package dev.castrelay.rtmp.session;

import dev.castrelay.rtmp.RtmpUrl;
import dev.castrelay.rtmp.chunk.ChunkEncoder;
import dev.castrelay.rtmp.message.UserControl;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Both sessions answer a ping request with a ping response carrying the same timestamp (spec 7.1.7). */
class PingTest {

    @Test
    void serverSessionAnswersAPingRequest() {
        EmbeddedChannel ch = new EmbeddedChannel(new ServerSession((request, session) -> null));

        ch.writeInbound(new UserControl(UserControl.PING_REQUEST, 0xFFFFFFF0L, 0));

        assertThat((Object) ch.readOutbound()).isEqualTo(UserControl.pingResponse(0xFFFFFFF0L));
        ch.finishAndReleaseAll();
    }

    @Test
    void clientSessionAnswersAPingRequest() {
        ClientSession.Listener ignore = new ClientSession.Listener() {
            @Override
            public void onPublishing(ClientSession session) {
            }

            @Override
            public void onRejected(ClientSession session, String description) {
            }
        };
        // The encoder only passes RtmpMessages through here; the session looks it up to set chunk sizes.
        EmbeddedChannel ch = new EmbeddedChannel(new ChunkEncoder(),
                new ClientSession(RtmpUrl.parse("rtmp://h/app/k"), ignore));

        ch.writeInbound(new UserControl(UserControl.PING_REQUEST, 1234, 0));

        assertThat((Object) ch.readOutbound()).isEqualTo(UserControl.pingResponse(1234));
        ch.finishAndReleaseAll();
    }
}
