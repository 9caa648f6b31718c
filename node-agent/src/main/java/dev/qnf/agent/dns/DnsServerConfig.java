package dev.qnf.agent.dns;

import dev.qnf.fabric.model.Network;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How one DNS server listens and forwards. Build with {@link #builder()}; {@link Builder#network(Network)} binds the
 * network's gateway addresses on port 53, which is what the agent wants.
 *
 * @param bindAddresses   addresses to listen on (UDP and TCP on each); at least one
 * @param port            the port, 53 unless set; 0 picks a free port (the same one for UDP and TCP), for tests
 * @param upstreams       resolvers to forward to; when empty they are read from {@code resolvConf} at start
 * @param resolvConf      the resolv.conf to read upstreams from when none are given; null: do not read one, so with
 *                        no upstreams every forwarded query is SERVFAIL
 * @param upstreamTimeout how long one attempt at one upstream may take
 * @param queryTimeout    how long forwarding one query may take in all; below the client's own timeout (glibc: 5 s)
 *                        so that the client gets SERVFAIL rather than silence
 * @param attempts        passes over the upstream list
 * @param maxUdpPayload   the largest UDP response we send or advertise (EDNS0); 1232 per DNS flag day 2020
 * @param workers         threads forwarding UDP queries (idle ones exit)
 * @param queueCapacity   forwarded UDP queries waiting for a worker; beyond it queries get a fast SERVFAIL
 * @param maxTcpConnections concurrent TCP clients; beyond it new connections are closed at once
 * @param tcpIdleTimeout  a TCP client silent this long is disconnected
 */
public record DnsServerConfig(List<InetAddress> bindAddresses, int port, List<InetSocketAddress> upstreams,
                              Path resolvConf, Duration upstreamTimeout, Duration queryTimeout, int attempts,
                              int maxUdpPayload, int workers, int queueCapacity, int maxTcpConnections,
                              Duration tcpIdleTimeout) {
    public static final int DNS_PORT = 53;
    public static final Path DEFAULT_RESOLV_CONF = Path.of("/etc/resolv.conf");
    /** The smallest payload every DNS implementation must accept (RFC 1035). */
    public static final int MIN_UDP_PAYLOAD = 512;

    public DnsServerConfig {
        bindAddresses = List.copyOf(bindAddresses);
        upstreams = List.copyOf(upstreams);
        if (bindAddresses.isEmpty()) {
            throw new IllegalArgumentException("no bind address");
        }
        if (port < 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " out of range");
        }
        positive("upstreamTimeout", upstreamTimeout);
        positive("queryTimeout", queryTimeout);
        positive("tcpIdleTimeout", tcpIdleTimeout);
        if (attempts < 1 || workers < 1 || queueCapacity < 1 || maxTcpConnections < 1) {
            throw new IllegalArgumentException("attempts, workers, queueCapacity and maxTcpConnections must be >= 1");
        }
        if (maxUdpPayload < MIN_UDP_PAYLOAD || maxUdpPayload > 0xffff) {
            throw new IllegalArgumentException("maxUdpPayload " + maxUdpPayload + " out of range 512..65535");
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, not " + d);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<InetAddress> bind = new ArrayList<>();
        private int port = DNS_PORT;
        private final List<InetSocketAddress> upstreams = new ArrayList<>();
        private Path resolvConf = DEFAULT_RESOLV_CONF;
        private Duration upstreamTimeout = Duration.ofSeconds(2);
        private Duration queryTimeout = Duration.ofSeconds(4);
        private int attempts = 2;
        private int maxUdpPayload = 1232;
        private int workers = 8;
        private int queueCapacity = 256;
        private int maxTcpConnections = 16;
        private Duration tcpIdleTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** Listens on the network's gateway, and its IPv6 gateway if it is dual-stack. */
        public Builder network(Network network) {
            if (network.gateway() != null) {
                bind.add(DnsRecords.inet(network.gateway()));
            }
            if (network.gateway6() != null) {
                bind.add(DnsRecords.inet(network.gateway6()));
            }
            if (bind.isEmpty()) {
                throw new IllegalArgumentException("network " + network.name() + " has no gateway to listen on");
            }
            return this;
        }

        public Builder bind(InetAddress... addresses) {
            bind.addAll(List.of(addresses));
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Forward to these resolvers, in order, instead of those in resolv.conf. */
        public Builder upstreams(List<InetSocketAddress> upstreams) {
            this.upstreams.addAll(upstreams);
            return this;
        }

        public Builder upstream(InetSocketAddress upstream) {
            upstreams.add(upstream);
            return this;
        }

        public Builder resolvConf(Path resolvConf) {
            this.resolvConf = resolvConf;
            return this;
        }

        public Builder upstreamTimeout(Duration d) {
            this.upstreamTimeout = d;
            return this;
        }

        public Builder queryTimeout(Duration d) {
            this.queryTimeout = d;
            return this;
        }

        public Builder attempts(int attempts) {
            this.attempts = attempts;
            return this;
        }

        public Builder maxUdpPayload(int bytes) {
            this.maxUdpPayload = bytes;
            return this;
        }

        public Builder workers(int workers) {
            this.workers = workers;
            return this;
        }

        public Builder queueCapacity(int capacity) {
            this.queueCapacity = capacity;
            return this;
        }

        public Builder maxTcpConnections(int max) {
            this.maxTcpConnections = max;
            return this;
        }

        public Builder tcpIdleTimeout(Duration d) {
            this.tcpIdleTimeout = d;
            return this;
        }

        public DnsServerConfig build() {
            return new DnsServerConfig(bind, port, upstreams, resolvConf, upstreamTimeout, queryTimeout, attempts,
                    maxUdpPayload, workers, queueCapacity, maxTcpConnections, tcpIdleTimeout);
        }
    }
}
