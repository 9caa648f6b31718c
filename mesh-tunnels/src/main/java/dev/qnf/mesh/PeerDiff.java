package dev.qnf.mesh;

import dev.qnf.mesh.key.WgKey;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The smallest peer change that takes a device from what it reports to what is wanted. A peer that already matches
 * is not mentioned at all, so its session, handshake and counters are untouched; a peer that is not wanted is
 * removed on its own. The device-wide {@code replace_peers} is never used.
 *
 * <p>Endpoints: a wanted endpoint that differs from the reported one is set; a peer wanted without an endpoint (one
 * behind NAT) keeps whatever endpoint the device learned from its packets.
 */
public final class PeerDiff {
    private PeerDiff() {
    }

    public static List<DeviceUpdate.PeerChange> between(List<PeerConfig> wanted, List<PeerStatus> current) {
        Map<WgKey, PeerStatus> have = new LinkedHashMap<>();
        current.forEach(p -> have.put(p.publicKey(), p));
        Map<WgKey, PeerConfig> want = new LinkedHashMap<>();
        wanted.forEach(p -> want.put(p.publicKey(), p));

        List<DeviceUpdate.PeerChange> removals = new ArrayList<>();
        for (PeerStatus p : current) {
            if (!want.containsKey(p.publicKey())) {
                removals.add(new DeviceUpdate.Remove(p.publicKey()));
            }
        }
        List<DeviceUpdate.PeerChange> upserts = new ArrayList<>();
        for (PeerConfig w : want.values()) {
            PeerStatus h = have.get(w.publicKey());
            if (h == null) {
                upserts.add(new DeviceUpdate.Upsert(w, true, w.endpoint() != null));
                continue;
            }
            boolean ips = !h.allowedIps().equals(w.allowedIps());
            boolean endpoint = w.endpoint() != null && !w.endpoint().equals(h.endpoint());
            boolean keepalive = h.keepaliveSeconds() != w.keepaliveSeconds();
            if (ips || endpoint || keepalive) {
                upserts.add(new DeviceUpdate.Upsert(w, ips, endpoint));
            }
        }
        removals.sort(Comparator.comparing(DeviceUpdate.PeerChange::publicKey, Comparator.comparing(WgKey::base64)));
        List<DeviceUpdate.PeerChange> out = new ArrayList<>(removals);
        out.addAll(upserts);
        return out;
    }
}
