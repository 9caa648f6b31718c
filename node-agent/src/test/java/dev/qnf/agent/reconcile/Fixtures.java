package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.agent.state.PortMap;
import dev.qnf.agent.state.ViewSnapshot;
import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Builders for views, attachments and desired states in reconcile tests. */
final class Fixtures {
    static final String NODE = "n1";
    static final String DOMAIN = "qnf.internal";

    private Fixtures() {
    }

    static NetworkView net(String name, String cidr, String gateway, boolean nat) {
        return new NetworkView(name, cidr, null, gateway, null, 1450, nat, 26, null, false, Map.of(), null);
    }

    static NetworkView dual(String name, String cidr, String gateway, String cidr6, String gateway6) {
        return new NetworkView(name, cidr, cidr6, gateway, gateway6, 1500, true, 26, 122, false, Map.of(), null);
    }

    static AllocationView ep(String network, String id, String node, String ip, String containerId, Map<String, String> labels) {
        return new AllocationView(network, id, ip, null, node, containerId, containerId == null ? null : "eth0",
                null, labels, null);
    }

    static LocalAttachment att(NetworkView spec, String id, String ip, long revision, PortMap... ports) {
        return new LocalAttachment(spec.name(), id, "c-" + id, "eth0", "/var/run/netns/c-" + id,
                HostNames.veth(spec.name(), id), "0a:58:00:00:00:01", ip, null, List.of(ports),
                Map.of("name", id), spec, revision);
    }

    /** A view the control plane sent (known). */
    static FabricView view(long revision, List<NetworkView> networks, AllocationView... endpoints) {
        return FabricView.of(new ViewSnapshot(revision, networks, List.of(endpoints)));
    }

    static final class Inputs {
        FabricView view = FabricView.empty();
        final List<LocalAttachment> attachments = new ArrayList<>();
        final Set<String> pending = new java.util.TreeSet<>();

        DesiredState desired() {
            return DesiredState.compute(new DesiredState.Inputs(view, attachments, pending, NODE, DOMAIN));
        }
    }

    /** A DNS plane in memory: the zones it was last told to serve; it can be told to fail a network. */
    static final class FakeDns implements DnsPlane {
        Map<String, DnsZone> zones = Map.of();
        String failing;

        @Override
        public Map<String, String> converge(Map<String, DnsZone> desired) {
            zones = new LinkedHashMap<>(desired);
            if (failing != null && desired.containsKey(failing)) {
                zones.remove(failing);
                return Map.of(failing, "bind: address not available");
            }
            return Map.of();
        }

        @Override
        public void close() {
            zones = Map.of();
        }
    }

    /** Records forwarding requests instead of writing /proc. */
    static final class FakeSysctls implements HostSysctls {
        boolean v4;
        boolean v6;

        @Override
        public void enableForwarding(boolean ipv6) {
            v4 = true;
            v6 |= ipv6;
        }
    }
}
