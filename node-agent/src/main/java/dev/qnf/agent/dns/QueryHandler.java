package dev.qnf.agent.dns;

import dev.qnf.agent.dns.DnsMetrics.Outcome;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Turns one request packet into a reply, independent of sockets. {@link #handle} never blocks: it answers from the
 * QNF zones, rejects, drops, or says "forward"; {@link #forward} then blocks on the upstreams (on a worker).
 * Every request is counted exactly once in the metrics.
 */
final class QueryHandler {
    enum Transport { UDP, TCP }

    sealed interface Step permits Reply, Drop, Forward {
    }

    /** Send these bytes back. */
    record Reply(byte[] wire) implements Step {
    }

    /** Send nothing (over TCP: close the connection). */
    record Drop() implements Step {
    }

    /** Not ours: ask the upstreams, then reply within {@code maxSize} bytes. */
    record Forward(Message query, Record question, int maxSize, Transport transport) implements Step {
    }

    static final Drop DROP = new Drop();
    private static final int TCP_MAX = 0xffff;

    private final Supplier<DnsRecords> records;
    private final Forwarder forwarder;
    private final int maxUdpPayload;
    private final DnsMetrics metrics;

    QueryHandler(Supplier<DnsRecords> records, Forwarder forwarder, int maxUdpPayload, DnsMetrics metrics) {
        this.records = records;
        this.forwarder = forwarder;
        this.maxUdpPayload = maxUdpPayload;
        this.metrics = metrics;
    }

    Step handle(byte[] packet, Transport transport) {
        if (packet.length < Header.LENGTH) {
            return drop(-1);
        }
        Header header;
        Message query;
        try {
            header = new Header(Arrays.copyOf(packet, Header.LENGTH));
        } catch (IOException e) {
            return drop(-1);
        }
        if (header.getFlag(Flags.QR)) {
            return drop(-1); // a response: answering it could start a loop between two servers
        }
        try {
            query = new Message(packet);
        } catch (IOException | RuntimeException e) {
            return reject(header, -1, Rcode.FORMERR, Outcome.FORMERR);
        }
        List<Record> questions = query.getSection(Section.QUESTION);
        int qtype = questions.isEmpty() ? -1 : questions.get(0).getType();
        if (header.getOpcode() != Opcode.QUERY) {
            return reject(header, qtype, Rcode.NOTIMP, Outcome.NOTIMP);
        }
        if (questions.size() != 1) {
            return reject(header, qtype, Rcode.FORMERR, Outcome.FORMERR);
        }
        Record question = questions.get(0);
        OPTRecord opt = query.getOPT();
        int maxSize = transport == Transport.TCP ? TCP_MAX
                : opt == null ? DnsServerConfig.MIN_UDP_PAYLOAD
                : Math.max(DnsServerConfig.MIN_UDP_PAYLOAD, Math.min(opt.getPayloadSize(), maxUdpPayload));
        if (opt != null && opt.getVersion() > 0) {
            return reply(query, Rcode.BADVERS, null, maxSize, qtype, Outcome.BADVERS);
        }
        if (question.getDClass() != DClass.IN) {
            return reply(query, Rcode.REFUSED, null, maxSize, qtype, Outcome.REFUSED);
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR || qtype == Type.MAILA || qtype == Type.MAILB) {
            return reply(query, Rcode.NOTIMP, null, maxSize, qtype, Outcome.NOTIMP);
        }
        Optional<Answer> answer = Authority.answer(records.get(), question.getName(), qtype);
        if (answer.isEmpty()) {
            return new Forward(query, question, maxSize, transport);
        }
        Answer a = answer.get();
        return switch (a.kind()) {
            case ANSWER -> reply(query, Rcode.NOERROR, a, maxSize, qtype, Outcome.ANSWER);
            case NODATA -> reply(query, Rcode.NOERROR, a, maxSize, qtype, Outcome.NODATA);
            case NXDOMAIN -> reply(query, Rcode.NXDOMAIN, a, maxSize, qtype, Outcome.NXDOMAIN);
        };
    }

    /** Blocks until an upstream answers or the query timeout passes; SERVFAIL in the latter case. */
    byte[] forward(Forward f) {
        int qtype = f.question().getType();
        Optional<Message> upstream = forwarder.forward(f.query(), f.transport() == Transport.TCP);
        if (upstream.isEmpty()) {
            return reply(f.query(), Rcode.SERVFAIL, null, f.maxSize(), qtype, Outcome.SERVFAIL).wire();
        }
        Message m = upstream.get();
        m.getHeader().setID(f.query().getHeader().getID());
        m.removeAllRecords(Section.QUESTION);
        m.addRecord(f.question(), Section.QUESTION);
        OPTRecord theirs = m.getOPT();
        if (theirs != null) {
            m.removeRecord(theirs, Section.ADDITIONAL);
        }
        if (f.query().getOPT() != null) {
            int flags = theirs == null ? 0 : theirs.getFlags() & ExtendedFlags.DO;
            m.addRecord(new OPTRecord(maxUdpPayload, 0, 0, flags), Section.ADDITIONAL);
        }
        metrics.query(DnsMetrics.typeLabel(qtype), Outcome.FORWARDED);
        return m.toWire(f.maxSize());
    }

    /** The fast SERVFAIL for a query no worker could take. */
    byte[] overloaded(Forward f) {
        return reply(f.query(), Rcode.SERVFAIL, null, f.maxSize(), f.question().getType(), Outcome.OVERLOADED)
                .wire();
    }

    private Drop drop(int qtype) {
        metrics.query(DnsMetrics.typeLabel(qtype), Outcome.DROPPED);
        return DROP;
    }

    /** A reply carrying only the header: the request was too broken to echo its question. */
    private Reply reject(Header query, int qtype, int rcode, Outcome outcome) {
        Message r = new Message(query.getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setOpcode(query.getOpcode());
        if (query.getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.getHeader().setRcode(rcode);
        metrics.query(DnsMetrics.typeLabel(qtype), outcome);
        return new Reply(r.toWire(DnsServerConfig.MIN_UDP_PAYLOAD));
    }

    private Reply reply(Message query, int rcode, Answer answer, int maxSize, int qtype, Outcome outcome) {
        Message r = new Message(query.getHeader().getID());
        Header h = r.getHeader();
        h.setFlag(Flags.QR);
        h.setFlag(Flags.RA);
        h.setOpcode(Opcode.QUERY);
        if (query.getHeader().getFlag(Flags.RD)) {
            h.setFlag(Flags.RD);
        }
        h.setRcode(rcode & 0xf);
        r.addRecord(query.getQuestion(), Section.QUESTION);
        if (answer != null) {
            h.setFlag(Flags.AA);
            answer.answer().forEach(rec -> r.addRecord(rec, Section.ANSWER));
            answer.authority().forEach(rec -> r.addRecord(rec, Section.AUTHORITY));
            answer.additional().forEach(rec -> r.addRecord(rec, Section.ADDITIONAL));
        }
        if (query.getOPT() != null) {
            r.addRecord(new OPTRecord(maxUdpPayload, rcode >>> 4, 0, 0), Section.ADDITIONAL);
        }
        metrics.query(DnsMetrics.typeLabel(qtype), outcome);
        return new Reply(r.toWire(maxSize));
    }
}
