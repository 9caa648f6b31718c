package dev.qnf.api.json;

import java.util.List;

/**
 * One rule: {@code action} allow (the default) or deny; the peers in {@code from} (ingress rules) or {@code to}
 * (egress rules), absent meaning every peer; {@code ports}, absent meaning every protocol and port.
 */
public record RuleView(String action, List<PeerView> from, List<PeerView> to, List<PortView> ports) {
}
