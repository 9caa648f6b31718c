package dev.qnf.mesh;

import dev.qnf.mesh.key.WgKey;

import java.util.List;
import java.util.Objects;

/**
 * One incremental change of a device: optionally a new private key and listen port, then peer changes in order
 * (removals first, so a rotated key's allowed IPs are free before its successor claims them). It never replaces
 * the whole peer list: peers it does not name keep their sessions and counters.
 */
public record DeviceUpdate(WgKey privateKey, Integer listenPort, List<PeerChange> peers) {
    public DeviceUpdate {
        peers = List.copyOf(peers);
    }

    public static DeviceUpdate peersOnly(List<PeerChange> peers) {
        return new DeviceUpdate(null, null, peers);
    }

    public boolean isEmpty() {
        return privateKey == null && listenPort == null && peers.isEmpty();
    }

    /** One peer change: add or update it as configured, or remove it. */
    public sealed interface PeerChange permits Upsert, Remove {
        WgKey publicKey();
    }

    /**
     * Adds the peer or updates it in place. {@code replaceAllowedIps} swaps its allowed IPs for {@code config}'s;
     * {@code setEndpoint} false leaves a learned endpoint alone.
     */
    public record Upsert(PeerConfig config, boolean replaceAllowedIps, boolean setEndpoint) implements PeerChange {
        public Upsert {
            Objects.requireNonNull(config, "config");
        }

        @Override
        public WgKey publicKey() {
            return config.publicKey();
        }
    }

    public record Remove(WgKey publicKey) implements PeerChange {
        public Remove {
            Objects.requireNonNull(publicKey, "publicKey");
        }
    }
}
