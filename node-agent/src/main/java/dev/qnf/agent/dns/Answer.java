package dev.qnf.agent.dns;

import org.xbill.DNS.Record;

import java.util.List;

/** What the local zones say about one question: records for the three response sections and the kind of answer. */
record Answer(Kind kind, List<Record> answer, List<Record> authority, List<Record> additional) {
    enum Kind { ANSWER, NODATA, NXDOMAIN }

    Answer {
        answer = List.copyOf(answer);
        authority = List.copyOf(authority);
        additional = List.copyOf(additional);
    }

    static Answer positive(List<Record> answer, List<Record> additional) {
        return new Answer(Kind.ANSWER, answer, List.of(), additional);
    }

    static Answer noData(Record soa) {
        return new Answer(Kind.NODATA, List.of(), List.of(soa), List.of());
    }

    static Answer nxDomain(Record soa) {
        return new Answer(Kind.NXDOMAIN, List.of(), List.of(soa), List.of());
    }
}
