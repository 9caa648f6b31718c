package dev.qnf.agent.reconcile;

import dev.qnf.agent.control.FabricView;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.state.LocalAttachment;
import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.policy.Labels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The DNS records of each network on this host: every endpoint of the network the view knows (names are
 * cluster-wide), overridden by this host's own attachments (which may be newer than the view), plus aliases.
 */
public final class Zones {
    /**
     * Endpoint labels {@code alias.qnf.dev/<alias>} (any value) give the endpoint's addresses a second name; the CNI
     * {@code aliases} capability is stored this way.
     */
    public static final String ALIAS_LABEL_PREFIX = Labels.ALIAS_PREFIX;
    private static final Logger LOG = LoggerFactory.getLogger(Zones.class);

    private Zones() {
    }

    static Map<String, DnsZone> build(Collection<DesiredState.HostNetwork> networks, FabricView view,
                                      List<LocalAttachment> live, DesiredState.Inputs in,
                                      List<LocalAttachment> orphaned) {
        Set<String> gone = orphaned.stream().map(LocalAttachment::key).collect(Collectors.toSet());
        gone.addAll(in.pendingReleases());
        Map<String, DnsZone> out = new TreeMap<>();
        for (DesiredState.HostNetwork h : networks) {
            if (h.network().gateway() == null && h.network().gateway6() == null) {
                continue;
            }
            Map<String, Endpoint> endpoints = new LinkedHashMap<>();
            for (Endpoint e : view.endpointsOf(h.name())) {
                if (!gone.contains(LocalAttachment.key(e.network(), e.id()))) {
                    endpoints.put(e.id(), e);
                }
            }
            for (LocalAttachment a : live) {
                if (a.network().equals(h.name())) {
                    endpoints.put(a.endpoint(), DesiredState.endpointOf(a, in.node(), view));
                }
            }
            DnsRecords.Builder b = DnsRecords.builder(h.name()).domain(in.domain())
                    .serial(view.revision() & 0xffffffffL).network(h.network());
            endpoints.values().forEach(b::endpoint);
            endpoints.values().forEach(e -> aliases(b, e));
            out.put(h.name(), new DnsZone(h.network(), b.build()));
        }
        return out;
    }

    private static void aliases(DnsRecords.Builder b, Endpoint e) {
        Optional<String> name = DnsRecords.dnsName(e);
        if (name.isEmpty()) {
            return;
        }
        e.labels().keySet().stream().filter(k -> k.startsWith(ALIAS_LABEL_PREFIX)).forEach(k -> {
            try {
                b.alias(k.substring(ALIAS_LABEL_PREFIX.length()), name.get());
            } catch (IllegalArgumentException bad) {
                LOG.debug("endpoint {}: alias label {} is not a DNS label", e.id(), k);
            }
        });
    }
}
