package dev.castrelay.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListenAddressTest {

    @Test
    void hostAndPortAreSplit() {
        assertThat(ListenAddress.parse("0.0.0.0:1935")).isEqualTo(new ListenAddress("0.0.0.0", 1935));
    }

    @Test
    void ipv6HostIsBracketed() {
        ListenAddress address = ListenAddress.parse("[::1]:8686");

        assertThat(address).isEqualTo(new ListenAddress("::1", 8686));
        assertThat(address.isLoopback()).isTrue();
        assertThat(address).hasToString("[::1]:8686");
    }

    @Test
    void portZeroAsksForAFreePort() {
        assertThat(ListenAddress.parse("127.0.0.1:0").port()).isZero();
    }

    @Test
    void portAboveRangeIsRefusedWithTheLimit() {
        assertThatThrownBy(() -> ListenAddress.parse("127.0.0.1:65536"))
                .hasMessage("port 65536 is out of range 0..65535");
    }

    @Test
    void missingHostIsRefused() {
        assertThatThrownBy(() -> ListenAddress.parse(":1935")).hasMessageContaining("with a host");
    }
}
