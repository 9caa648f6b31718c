package dev.qnf.mesh;

import dev.qnf.fabric.net.UdpEndpoint;
import dev.qnf.fabric.net.Cidr;
import dev.qnf.mesh.key.WgKey;

import java.util.Arrays;
import java.util.List;

/** Deterministic keys and peers for unit tests. */
public final class Fixtures {
    private Fixtures() {
    }

    /** A key whose 32 bytes are all {@code b}. */
    public static WgKey key(int b) {
        byte[] raw = new byte[32];
        Arrays.fill(raw, (byte) b);
        return WgKey.of(raw);
    }

    public static PeerConfig peer(int b, String endpoint, String... allowed) {
        return new PeerConfig(key(b), endpoint == null ? null : UdpEndpoint.parse(endpoint),
                Arrays.stream(allowed).map(Cidr::parse).toList(), 0);
    }

    public static PeerStatus status(PeerConfig c, long rx) {
        return new PeerStatus(c.publicKey(), c.endpoint(), c.allowedIps(), c.keepaliveSeconds(), null, rx, 0);
    }

    public static WgKey keyOf(dev.qnf.fabric.model.Node n) {
        return WgKey.fromBase64(n.publicKey());
    }

    public static List<Cidr> cidrs(String... s) {
        return Arrays.stream(s).map(Cidr::parse).toList();
    }
}
