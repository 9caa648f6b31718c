package dev.qnf.mesh;

import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.key.WgKey;

import java.time.Instant;
import java.util.List;

/**
 * A peer as the device reports it. {@code endpoint} is the one configured or the last one the peer's packets came
 * from; {@code lastHandshake} is null before the first handshake.
 */
public record PeerStatus(WgKey publicKey, UdpEndpoint endpoint, List<Cidr> allowedIps, int keepaliveSeconds,
                         Instant lastHandshake, long rxBytes, long txBytes) {
    public PeerStatus {
        allowedIps = allowedIps.stream().distinct().sorted().toList();
    }
}
