package dev.qnf.mesh.uapi;

import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.DeviceStatus;
import dev.qnf.mesh.DeviceUpdate;
import dev.qnf.mesh.PeerConfig;
import dev.qnf.mesh.PeerStatus;
import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of the cross-platform WireGuard UAPI (https://www.wireguard.com/xplatform/): {@code key=value} lines,
 * keys in hex, a request ends with an empty line and every answer ends with {@code errno=N} and an empty line.
 * Pure functions, so the exact text is unit-tested.
 */
public final class UapiCodec {
    public static final String GET = "get=1\n\n";

    private UapiCodec() {
    }

    /** A {@code set=1} request for one incremental update. Never sends {@code replace_peers}. */
    public static String encodeSet(DeviceUpdate update) {
        StringBuilder b = new StringBuilder("set=1\n");
        if (update.privateKey() != null) {
            b.append("private_key=").append(update.privateKey().hex()).append('\n');
        }
        if (update.listenPort() != null) {
            b.append("listen_port=").append(update.listenPort()).append('\n');
        }
        for (DeviceUpdate.PeerChange change : update.peers()) {
            b.append("public_key=").append(change.publicKey().hex()).append('\n');
            if (change instanceof DeviceUpdate.Remove) {
                b.append("remove=true\n");
                continue;
            }
            DeviceUpdate.Upsert u = (DeviceUpdate.Upsert) change;
            PeerConfig c = u.config();
            if (u.setEndpoint() && c.endpoint() != null) {
                b.append("endpoint=").append(c.endpoint()).append('\n');
            }
            b.append("persistent_keepalive_interval=").append(c.keepaliveSeconds()).append('\n');
            if (u.replaceAllowedIps()) {
                b.append("replace_allowed_ips=true\n");
                for (Cidr ip : c.allowedIps()) {
                    b.append("allowed_ip=").append(ip).append('\n');
                }
            }
        }
        return b.append('\n').toString();
    }

    /** The errno of an answer; a missing errno line is a protocol error. */
    public static int errno(List<String> lines) throws UapiException {
        for (int i = lines.size() - 1; i >= 0; i--) {
            String l = lines.get(i);
            if (l.startsWith("errno=")) {
                try {
                    return Integer.parseInt(l.substring("errno=".length()).trim());
                } catch (NumberFormatException e) {
                    throw new UapiException(-1, "malformed UAPI answer line '" + l + "'");
                }
            }
        }
        throw new UapiException(-1, "UAPI answer without errno: " + lines);
    }

    /** Parses a {@code get=1} answer (its lines without the final empty one). */
    public static DeviceStatus decodeGet(List<String> lines) throws UapiException {
        int errno = errno(lines);
        if (errno != 0) {
            throw new UapiException(errno, "UAPI get failed with errno " + errno);
        }
        WgKey publicKey = null;
        int port = 0;
        List<PeerStatus> peers = new ArrayList<>();
        PeerBuilder peer = null;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new UapiException(-1, "malformed UAPI answer line '" + line + "'");
            }
            String key = line.substring(0, eq);
            String value = line.substring(eq + 1);
            try {
                if (key.equals("public_key")) {
                    if (peer != null) {
                        peers.add(peer.build());
                    }
                    peer = new PeerBuilder(WgKey.fromHex(value));
                } else if (peer == null) {
                    switch (key) {
                        case "private_key" -> {
                            WgKey priv = WgKey.fromHex(value);
                            publicKey = priv.isZero() ? null : X25519.publicOf(priv);
                        }
                        case "listen_port" -> port = Integer.parseInt(value);
                        default -> { } // fwmark, errno and keys of later protocol versions
                    }
                } else {
                    peer.accept(key, value);
                }
            } catch (IllegalArgumentException e) {
                throw new UapiException(-1, "malformed UAPI answer line '" + line + "': " + e.getMessage());
            }
        }
        if (peer != null) {
            peers.add(peer.build());
        }
        return new DeviceStatus(publicKey, port, peers);
    }

    private static final class PeerBuilder {
        private final WgKey key;
        private UdpEndpoint endpoint;
        private final List<Cidr> allowed = new ArrayList<>();
        private int keepalive;
        private long handshakeSec;
        private long handshakeNsec;
        private long rx;
        private long tx;

        PeerBuilder(WgKey key) {
            this.key = key;
        }

        void accept(String key, String value) {
            switch (key) {
                case "endpoint" -> endpoint = UdpEndpoint.parse(value);
                case "allowed_ip" -> allowed.add(Cidr.parse(value));
                case "persistent_keepalive_interval" -> keepalive = Integer.parseInt(value);
                case "last_handshake_time_sec" -> handshakeSec = Long.parseLong(value);
                case "last_handshake_time_nsec" -> handshakeNsec = Long.parseLong(value);
                case "rx_bytes" -> rx = Long.parseLong(value);
                case "tx_bytes" -> tx = Long.parseLong(value);
                default -> { } // preshared_key, protocol_version, errno
            }
        }

        PeerStatus build() {
            Instant hs = handshakeSec == 0 && handshakeNsec == 0 ? null : Instant.ofEpochSecond(handshakeSec, handshakeNsec);
            return new PeerStatus(key, endpoint, allowed, keepalive, hs, rx, tx);
        }
    }
}
