package dev.qnf.agent.dns;

import org.xbill.DNS.Type;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * Counters the DNS server reports to. Implementations must be thread-safe and cheap: they are called on the query
 * path. {@link DnsCounters} keeps them in memory; an adapter to a metrics registry is a few lines.
 */
public interface DnsMetrics {
    /** Does nothing. */
    DnsMetrics NONE = (type, outcome) -> {
    };

    /** How a query ended. */
    enum Outcome {
        /** Answered from the QNF zones with records. */
        ANSWER,
        /** The name exists in a QNF zone but has no records of the type asked. */
        NODATA,
        /** The name does not exist in a QNF zone. */
        NXDOMAIN,
        /** Relayed from an upstream resolver (whatever its answer was). */
        FORWARDED,
        /** Forwarding failed: every upstream timed out, was unreachable or answered with an error. */
        SERVFAIL,
        /** Turned away at the door: the forwarding pool was full. */
        OVERLOADED,
        /** Answered FORMERR: unparseable, or not exactly one question. */
        FORMERR,
        /** Answered NOTIMP: an opcode other than QUERY, or a zone transfer. */
        NOTIMP,
        /** Answered REFUSED: a class other than IN. */
        REFUSED,
        /** Answered BADVERS: an EDNS version above 0. */
        BADVERS,
        /** Not answered: too short to carry a header, or a response rather than a query. */
        DROPPED
    }

    /**
     * One query ended. {@code type} is a mnemonic from a fixed small set ({@link #typeLabel}), so a tag built from it
     * has bounded cardinality whatever arrives on the wire.
     */
    void query(String type, Outcome outcome);

    /** An upstream attempt failed ({@code reason}: "timeout", an rcode, or an exception's simple name). */
    default void upstreamFailure(InetSocketAddress upstream, String reason) {
    }

    /** Query types reported by name; every other type is reported as "OTHER", no question as "NONE". */
    Set<Integer> NAMED_TYPES = Set.of(Type.A, Type.AAAA, Type.PTR, Type.SRV, Type.CNAME, Type.MX, Type.TXT,
            Type.NS, Type.SOA, Type.HTTPS, Type.SVCB, Type.ANY, Type.CAA, Type.DS, Type.DNSKEY);

    static String typeLabel(int type) {
        if (type < 0) {
            return "NONE";
        }
        return NAMED_TYPES.contains(type) ? Type.string(type) : "OTHER";
    }
}
