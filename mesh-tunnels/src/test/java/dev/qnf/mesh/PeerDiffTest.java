package dev.qnf.mesh;

import dev.qnf.fabric.net.UdpEndpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.qnf.mesh.Fixtures.key;
import static dev.qnf.mesh.Fixtures.peer;
import static dev.qnf.mesh.Fixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

class PeerDiffTest {
    private final PeerConfig a = peer(1, "192.0.2.1:51820", "10.1.0.0/24", "fd00:1::/64");
    private final PeerConfig b = peer(2, "192.0.2.2:51820", "10.1.1.0/24");

    @Test
    void nothingToDoWhenTheDeviceMatches() {
        assertThat(PeerDiff.between(List.of(a, b), List.of(status(a, 5), status(b, 7)))).isEmpty();
    }

    @Test
    void addsOnlyTheNewPeer() {
        PeerConfig c = peer(3, "192.0.2.3:51820", "10.1.2.0/24");
        assertThat(PeerDiff.between(List.of(a, b, c), List.of(status(a, 5), status(b, 7))))
                .containsExactly(new DeviceUpdate.Upsert(c, true, true));
    }

    @Test
    void removesOnlyThePeerNoLongerWanted() {
        assertThat(PeerDiff.between(List.of(a), List.of(status(a, 5), status(b, 7))))
                .containsExactly(new DeviceUpdate.Remove(b.publicKey()));
    }

    @Test
    void updatesAllowedIpsWithoutTouchingTheEndpoint() {
        PeerConfig moreIps = peer(1, "192.0.2.1:51820", "10.1.0.0/24", "10.9.0.0/24", "fd00:1::/64");
        assertThat(PeerDiff.between(List.of(moreIps, b), List.of(status(a, 5), status(b, 7))))
                .containsExactly(new DeviceUpdate.Upsert(moreIps, true, false));
    }

    @Test
    void keepsALearnedEndpointOfAPeerWantedWithoutOne() {
        PeerConfig natted = peer(4, null, "10.2.0.0/24");
        PeerStatus learned = new PeerStatus(natted.publicKey(), UdpEndpoint.parse("198.51.100.7:40000"),
                natted.allowedIps(), 0, null, 10, 10);
        assertThat(PeerDiff.between(List.of(natted), List.of(learned))).isEmpty();
    }

    @Test
    void aRotatedKeyIsRemovedBeforeItsSuccessorIsAdded() {
        PeerConfig rotated = peer(9, "192.0.2.1:51820", "10.1.0.0/24", "fd00:1::/64");
        assertThat(PeerDiff.between(List.of(rotated, b), List.of(status(a, 5), status(b, 7))))
                .containsExactly(new DeviceUpdate.Remove(a.publicKey()), new DeviceUpdate.Upsert(rotated, true, true));
    }

    @Test
    void allowedIpOrderDoesNotMatter() {
        PeerConfig reordered = peer(1, "192.0.2.1:51820", "fd00:1::/64", "10.1.0.0/24");
        assertThat(PeerDiff.between(List.of(reordered), List.of(status(a, 0)))).isEmpty();
    }

    @Test
    void aChangedKeepaliveOrEndpointIsUpdated() {
        PeerConfig keepalive = new PeerConfig(a.publicKey(), a.endpoint(), a.allowedIps(), 25);
        assertThat(PeerDiff.between(List.of(keepalive), List.of(status(a, 0))))
                .containsExactly(new DeviceUpdate.Upsert(keepalive, false, false));
        PeerConfig moved = peer(1, "192.0.2.99:51820", "10.1.0.0/24", "fd00:1::/64");
        assertThat(PeerDiff.between(List.of(moved), List.of(status(a, 0))))
                .containsExactly(new DeviceUpdate.Upsert(moved, false, true));
    }
}
