package dev.qnf.agent.reconcile;

import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.fabric.model.Network;

/** One network's DNS on this host: where its server listens (the gateways) and what it answers. */
public record DnsZone(Network network, DnsRecords records) {
}
