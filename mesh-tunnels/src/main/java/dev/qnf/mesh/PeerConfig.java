package dev.qnf.mesh;

import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.key.WgKey;

import java.util.List;
import java.util.Objects;

/**
 * What a device should know of one peer. {@code endpoint} null means "learn it from the peer's packets" (a peer
 * behind NAT); {@code keepaliveSeconds} 0 disables persistent keepalive. Allowed IPs are kept sorted, so two
 * configs with the same set compare equal.
 */
public record PeerConfig(WgKey publicKey, UdpEndpoint endpoint, List<Cidr> allowedIps, int keepaliveSeconds) {
    public PeerConfig {
        Objects.requireNonNull(publicKey, "publicKey");
        allowedIps = allowedIps.stream().distinct().sorted().toList();
        if (keepaliveSeconds < 0 || keepaliveSeconds > 65535) {
            throw new IllegalArgumentException("keepalive " + keepaliveSeconds + " out of range 0..65535");
        }
    }
}
