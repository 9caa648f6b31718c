package dev.qnf.agent.reconcile;

import dev.qnf.agent.dns.DnsMetrics;
import dev.qnf.agent.dns.DnsServer;
import dev.qnf.agent.dns.DnsServerConfig;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.model.Network;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One {@link DnsServer} per network on the host's gateway addresses. Servers bind their sockets inside the host
 * namespace (a socket belongs to the namespace of the thread that made it), after the bridge has its addresses.
 */
public final class DnsServers implements DnsPlane {
    private static final Logger LOG = LoggerFactory.getLogger(DnsServers.class);

    private record Running(Network network, DnsServer server) {
    }

    private final NetNs hostNs;
    private final Function<Network, DnsServerConfig> configs;
    private final DnsMetrics metrics;
    private final Map<String, Running> servers = new HashMap<>();

    /** @param configs how a network's server listens and forwards ({@code DnsServerConfig.builder().network(n)}) */
    public DnsServers(NetNs hostNs, Function<Network, DnsServerConfig> configs, DnsMetrics metrics) {
        this.hostNs = hostNs;
        this.configs = configs;
        this.metrics = metrics;
    }

    @Override
    public synchronized Map<String, String> converge(Map<String, DnsZone> zones) {
        servers.keySet().removeIf(name -> {
            Running r = servers.get(name);
            DnsZone z = zones.get(name);
            if (z == null || !z.network().equals(r.network())) {
                r.server().close();
                LOG.info("DNS for network {} stopped", name);
                return true;
            }
            return false;
        });
        Map<String, String> failed = new TreeMap<>();
        zones.forEach((name, zone) -> {
            Running r = servers.get(name);
            if (r != null) {
                if (r.server().records() != zone.records()) {
                    r.server().update(zone.records());
                }
                return;
            }
            DnsServer server = new DnsServer(configs.apply(zone.network()), zone.records(), metrics);
            try {
                hostNs.run(() -> {
                    server.start();
                    return null;
                });
                servers.put(name, new Running(zone.network(), server));
            } catch (Exception e) {
                server.close();
                failed.put(name, e.getMessage());
            }
        });
        return failed;
    }

    /** The running servers by network (for tests and diagnostics). */
    public synchronized Map<String, DnsServer> running() {
        Map<String, DnsServer> out = new TreeMap<>();
        servers.forEach((k, v) -> out.put(k, v.server()));
        return out;
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(r -> r.server().close());
        servers.clear();
    }
}
