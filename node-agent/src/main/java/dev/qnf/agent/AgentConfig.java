package dev.qnf.agent;

import dev.qnf.api.pki.TlsFiles;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.dns.DnsServerConfig;
import dev.qnf.agent.mesh.MeshConfig;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.fabric.model.Names;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one node agent runs. Build with {@link #builder(String, List)}; everything but the node name and the API
 * URLs has a default.
 *
 * @param node          this host's node name in the control plane
 * @param endpoints     control-plane API URLs (any server of the cluster)
 * @param stateDir      local state (attachments, queued releases, the last view); default /var/lib/qnf/agent
 * @param socket        the CNI socket; default /run/qnf/agent.sock
 * @param hostNs        the namespace the agent programs as "the host": the agent's own, except in tests
 * @param domain        DNS domain; default qnf.internal
 * @param resync        how often a full convergence pass runs
 * @param heartbeat     how often the node lease is renewed (and connectivity checked)
 * @param leaseSeconds  the node lease asked for; a few heartbeats long
 * @param addresses     the node's addresses to register (may be empty)
 * @param dnsPort       the port DNS servers listen on (53)
 * @param apiTimeout    per-request timeout towards the control plane
 * @param cniThreads    CNI calls served at once
 * @param tls           this node's identity ({@code spiffe://<cluster>/node/<node>}) for mTLS to the control plane;
 *                      null only towards a plaintext test server
 * @param mesh          the WireGuard mesh settings, or null for a host without inter-host traffic
 * @param metricsListen where {@code /metrics} is served over HTTP (Prometheus text); null: not served
 * @param site          the node's site, registered with it (null: the mesh's, else "default"); a node that joined
 *                      with a site-bound token must give that site, or the control plane refuses its registration
 */
public record AgentConfig(String node, List<String> endpoints, Path stateDir, Path socket, NetNs hostNs, String domain,
                          Duration resync, Duration heartbeat, int leaseSeconds, List<String> addresses, int dnsPort,
                          Duration apiTimeout, int cniThreads, TlsFiles tls, MeshConfig mesh,
                          InetSocketAddress metricsListen, String site) {
    public static final Path DEFAULT_STATE_DIR = Path.of("/var/lib/qnf/agent");
    public static final Path DEFAULT_SOCKET = Path.of("/run/qnf/agent.sock");

    public AgentConfig {
        Names.node(node);
        endpoints = List.copyOf(endpoints);
        addresses = List.copyOf(addresses);
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one control-plane URL is required");
        }
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(socket, "socket");
        Objects.requireNonNull(hostNs, "hostNs");
        DnsRecords.builder("x").domain(domain); // validates the domain
        if (leaseSeconds < 1 || cniThreads < 1 || dnsPort < 0 || dnsPort > 65535) {
            throw new IllegalArgumentException("leaseSeconds and cniThreads must be >= 1, dnsPort 0..65535");
        }
    }

    public static Builder builder(String node, List<String> endpoints) {
        return new Builder(node, endpoints);
    }

    public static final class Builder {
        private final String node;
        private final List<String> endpoints;
        private TlsFiles tls;
        private Path stateDir = DEFAULT_STATE_DIR;
        private Path socket = DEFAULT_SOCKET;
        private NetNs hostNs = NetNs.host();
        private String domain = DnsRecords.DEFAULT_DOMAIN;
        private Duration resync = Duration.ofSeconds(30);
        private Duration heartbeat = Duration.ofSeconds(10);
        private int leaseSeconds = 40;
        private List<String> addresses = List.of();
        private int dnsPort = DnsServerConfig.DNS_PORT;
        private Duration apiTimeout = Duration.ofSeconds(5);
        private int cniThreads = 4;
        private MeshConfig mesh;
        private String site;
        private InetSocketAddress metricsListen;

        private Builder(String node, List<String> endpoints) {
            this.node = node;
            this.endpoints = endpoints;
        }

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder socket(Path socket) {
            this.socket = socket;
            return this;
        }

        public Builder hostNs(NetNs ns) {
            this.hostNs = ns;
            return this;
        }

        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        public Builder resync(Duration d) {
            this.resync = d;
            return this;
        }

        /** Heartbeat interval; the lease becomes four heartbeats unless set. */
        public Builder heartbeat(Duration d) {
            this.heartbeat = d;
            this.leaseSeconds = (int) Math.max(4, d.multipliedBy(4).toSeconds());
            return this;
        }

        public Builder leaseSeconds(int seconds) {
            this.leaseSeconds = seconds;
            return this;
        }

        public Builder addresses(List<String> addresses) {
            this.addresses = addresses;
            return this;
        }

        public Builder dnsPort(int port) {
            this.dnsPort = port;
            return this;
        }

        public Builder apiTimeout(Duration d) {
            this.apiTimeout = d;
            return this;
        }

        public Builder cniThreads(int n) {
            this.cniThreads = n;
            return this;
        }

        public Builder tls(TlsFiles files) {
            this.tls = files;
            return this;
        }

        /** Joins the WireGuard mesh (null: no mesh). */
        public Builder mesh(MeshConfig mesh) {
            this.mesh = mesh;
            return this;
        }

        /** The node's site (null: the mesh's, else "default"). */
        public Builder site(String site) {
            this.site = site;
            return this;
        }

        /** Serve {@code /metrics} on this address (port 0: any free port). */
        public Builder metricsListen(InetSocketAddress address) {
            this.metricsListen = address;
            return this;
        }

        public AgentConfig build() {
            return new AgentConfig(node, endpoints, stateDir, socket, hostNs, domain, resync, heartbeat, leaseSeconds,
                    addresses, dnsPort, apiTimeout, cniThreads, tls, mesh,
                    metricsListen, site);
        }
    }
}
