package dev.qnf.agent.netlink;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

/** Kernel datagrams captured into src/test/resources/netlink/*.hex (one datagram a line, '#' comments). */
final class Captured {
    private Captured() {
    }

    static List<ByteBuffer> datagrams(String name) {
        try (InputStream in = Captured.class.getResourceAsStream("/netlink/" + name + ".hex")) {
            if (in == null) {
                throw new IllegalArgumentException("no captured file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII).lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> ByteBuffer.wrap(HexFormat.of().parseHex(l))).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the datagrams through a collector as the socket would; fails if the exchange does not complete. */
    static List<NetlinkMessage> exchange(String name, int seq, boolean dump) {
        ReplyCollector collector = new ReplyCollector(seq, dump, name);
        List<ByteBuffer> datagrams = datagrams(name);
        for (int i = 0; i < datagrams.size(); i++) {
            boolean done = collector.accept(NetlinkMessage.parseAll(datagrams.get(i)));
            if (done != (i == datagrams.size() - 1)) {
                throw new AssertionError(name + ": exchange " + (done ? "ended at" : "not over after")
                        + " datagram " + i + " of " + datagrams.size());
            }
        }
        return collector.replies();
    }
}
