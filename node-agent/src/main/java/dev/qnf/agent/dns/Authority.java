package dev.qnf.agent.dns;

import dev.qnf.fabric.net.Cidr;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers questions about the QNF zones from one {@link DnsRecords} value. Pure: no I/O, no clock.
 *
 * <ul>
 *   <li>{@code <network>.<domain>}: A/AAAA for names, SRV for services, SOA at the apex.</li>
 *   <li>the rest of {@code <domain>} (other networks): NXDOMAIN, so names never leak upstream or across networks.</li>
 *   <li>reverse names inside the network's prefixes, or of a known address: PTR.</li>
 * </ul>
 * Inside these zones a name that exists but lacks the type is NODATA, a missing name NXDOMAIN, both with the SOA in
 * the authority section. Anything else is not ours: {@link #answer} returns empty and the caller forwards it.
 * Answers use the question's spelling of the name, so resolvers that randomise case (0x20) accept them.
 */
final class Authority {
    private static final long REFRESH = 3600;
    private static final long RETRY = 600;
    private static final long EXPIRE = 86400;
    private static final Name HOSTMASTER = Name.fromConstantString("hostmaster");

    private Authority() {
    }

    static Optional<Answer> answer(DnsRecords r, Name qname, int qtype) {
        if (qname.subdomain(r.zoneName())) {
            return Optional.of(zone(r, qname, qtype));
        }
        if (qname.subdomain(r.domainName())) {
            return Optional.of(qname.equals(r.domainName())
                    ? apex(r, qname, qtype, r.domainName())
                    : Answer.nxDomain(soa(r, r.domainName())));
        }
        ReverseName reverse = ReverseName.parse(qname);
        return reverse == null ? Optional.empty() : reverse(r, qname, qtype, reverse);
    }

    private static Answer zone(DnsRecords r, Name qname, int qtype) {
        Name apex = r.zoneName();
        if (qname.equals(apex)) {
            return apex(r, qname, qtype, apex);
        }
        long ttl = r.ttlSeconds();
        List<Record> answer = new ArrayList<>();
        List<Record> additional = new ArrayList<>();
        DnsRecords.Host host = r.host(qname);
        if (host != null) {
            addresses(answer, qname, host, qtype, ttl);
        }
        List<DnsRecords.Srv> services = r.services(qname);
        if (services != null && (qtype == Type.SRV || qtype == Type.ANY)) {
            for (DnsRecords.Srv s : services) {
                answer.add(new SRVRecord(qname, DClass.IN, ttl, s.priority(), s.weight(), s.port(), s.target()));
                DnsRecords.Host target = r.host(s.target());
                if (target != null) {
                    addresses(additional, s.target(), target, Type.ANY, ttl);
                }
            }
        }
        if (!answer.isEmpty()) {
            return Answer.positive(answer, additional);
        }
        return r.exists(qname) ? Answer.noData(soa(r, apex)) : Answer.nxDomain(soa(r, apex));
    }

    private static void addresses(List<Record> out, Name owner, DnsRecords.Host host, int qtype, long ttl) {
        if (qtype == Type.A || qtype == Type.ANY) {
            host.v4().forEach(a -> out.add(new ARecord(owner, DClass.IN, ttl, a)));
        }
        if (qtype == Type.AAAA || qtype == Type.ANY) {
            host.v6().forEach(a -> out.add(new AAAARecord(owner, DClass.IN, ttl, a)));
        }
    }

    private static Optional<Answer> reverse(DnsRecords r, Name qname, int qtype, ReverseName reverse) {
        Name apex = reverseApex(r, qname, reverse);
        if (apex == null) {
            return Optional.empty();
        }
        if (reverse.extra() > 0) {
            return Optional.of(Answer.nxDomain(soa(r, apex)));
        }
        if (qname.equals(apex) && (qtype == Type.SOA || qtype == Type.ANY)) {
            return Optional.of(apex(r, qname, qtype, apex));
        }
        List<Name> targets = r.pointers(qname);
        if (targets != null && (qtype == Type.PTR || qtype == Type.ANY)) {
            List<Record> answer = new ArrayList<>();
            targets.forEach(t -> answer.add(new PTRRecord(qname, DClass.IN, r.ttlSeconds(), t)));
            return Optional.of(Answer.positive(answer, List.of()));
        }
        boolean exists = targets != null || r.exists(qname) || qname.equals(apex);
        return Optional.of(exists ? Answer.noData(soa(r, apex)) : Answer.nxDomain(soa(r, apex)));
    }

    /**
     * The reverse zone that holds {@code qname}, or null if none of ours does. For a prefix that is not on an octet
     * (nibble) boundary each octet-aligned piece is its own zone: in 10.1.0.0/20 the name of 10.1.5.7 lives in
     * {@code 5.1.10.in-addr.arpa}, and {@code 1.10.in-addr.arpa} (a /16) is not ours.
     */
    private static Name reverseApex(DnsRecords r, Name qname, ReverseName reverse) {
        Cidr covered = reverse.prefix();
        int unit = reverse.bitsPerUnit();
        for (Cidr p : r.prefixes()) {
            if (p.family() == reverse.family() && p.prefix() <= covered.prefix() && p.contains(covered.base())) {
                int apexBits = (p.prefix() + unit - 1) / unit * unit;
                return reverse.truncated(apexBits);
            }
        }
        Name address = reverse.truncated(reverse.prefixLength());
        if (reverse.prefixLength() == covered.base().bits() && r.pointers(address) != null) {
            return address; // a known address outside the declared prefixes is a zone of its own
        }
        return null;
    }

    private static Answer apex(DnsRecords r, Name qname, int qtype, Name apex) {
        if (qtype == Type.SOA || qtype == Type.ANY) {
            SOARecord soa = soa(r, apex);
            return Answer.positive(List.of(new SOARecord(qname, DClass.IN, soa.getTTL(), soa.getHost(),
                    soa.getAdmin(), soa.getSerial(), REFRESH, RETRY, EXPIRE, soa.getMinimum())), List.of());
        }
        return Answer.noData(soa(r, apex));
    }

    static SOARecord soa(DnsRecords r, Name apex) {
        try {
            Name admin = Name.concatenate(HOSTMASTER, apex);
            return new SOARecord(apex, DClass.IN, r.ttlSeconds(), apex, admin, r.serial(), REFRESH, RETRY, EXPIRE,
                    r.ttlSeconds());
        } catch (NameTooLongException e) {
            throw new IllegalStateException("zone apex " + apex + " too long for an SOA", e);
        }
    }
}
