package dev.qnf.mesh;

import dev.qnf.mesh.key.WgKey;

import java.util.List;
import java.util.Optional;

/** A device as it reports itself: its public key (null before a private key is set), listen port and peers. */
public record DeviceStatus(WgKey publicKey, int listenPort, List<PeerStatus> peers) {
    public DeviceStatus {
        peers = List.copyOf(peers);
    }

    public Optional<PeerStatus> peer(WgKey key) {
        return peers.stream().filter(p -> p.publicKey().equals(key)).findFirst();
    }
}
