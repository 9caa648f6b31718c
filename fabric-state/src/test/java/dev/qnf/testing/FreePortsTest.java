package dev.qnf.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FreePortsTest {
    @Test
    void portsAreBindableBelowTheEphemeralRangeAndNeverHandedOutTwice() throws IOException {
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.one();
            assertThat(port).isBetween(20000, 32767);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int base = FreePorts.base(9);
        for (int p = base + 1; p <= base + 9; p++) {
            assertThat(seen.add(p)).as("port %d of the range handed out before", p).isTrue();
            try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getLoopbackAddress())) {
                assertThat(s.getLocalPort()).isEqualTo(p);
            }
        }
    }
}
