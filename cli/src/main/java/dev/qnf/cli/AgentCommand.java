package dev.qnf.cli;

import dev.qnf.agent.AgentConfig;
import dev.qnf.agent.NodeAgent;
import dev.qnf.agent.dns.DnsRecords;
import dev.qnf.agent.mesh.MeshConfig;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.api.client.Joiner;
import dev.qnf.api.client.QnfApiException;
import dev.qnf.api.pki.TlsFiles;
import dev.qnf.fabric.net.IpAddress;
import dev.qnf.fabric.net.UdpEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code qnf agent}: the node agent, until SIGTERM. See docs/agent.md. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run the node agent (as root): register this node, watch the control plane, program this "
                + "host's bridges, veths, nftables and DNS, and serve the qnf CNI plugin on a Unix socket.",
                "Restarting it is safe at any moment: it adopts what it finds and keeps containers connected."})
final class AgentCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--node", required = true, description = "this host's node name")
    String node;

    @Option(names = "--endpoint", required = true, split = ",", paramLabel = "URL[,URL...]",
            description = "control-plane API URL(s)")
    List<String> endpoints;

    @Option(names = "--tls-dir", paramLabel = "DIR",
            description = "this node's identity: bundle.pem, cert.pem, key.pem (default: ${DEFAULT-VALUE})",
            defaultValue = "/var/lib/qnf/agent/tls")
    Path tlsDir;

    @Option(names = "--join", paramLabel = "URL",
            description = "first get this node's certificate with a join token from a server's join port, "
                    + "e.g. https://10.0.0.1:7402 (needs --token and --ca-hash; writes --tls-dir; skipped when "
                    + "--tls-dir already holds this node's identity, as on a restart)")
    String joinUrl;

    @Option(names = "--token", description = "join token, as qnf token create printed it")
    String token;

    @Option(names = "--ca-hash", paramLabel = "sha256:HEX", description = "the cluster CA pin qnf token create printed")
    String caHash;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "local state (default: ${DEFAULT-VALUE})",
            defaultValue = "/var/lib/qnf/agent")
    Path stateDir;

    @Option(names = "--socket", paramLabel = "PATH", description = "CNI socket (default: ${DEFAULT-VALUE})",
            defaultValue = "/run/qnf/agent.sock")
    Path socket;

    @Option(names = "--domain", description = "DNS domain (default: ${DEFAULT-VALUE})",
            defaultValue = DnsRecords.DEFAULT_DOMAIN)
    String domain;

    @Option(names = "--address", split = ",", paramLabel = "IP[,IP...]", description = "this node's addresses, registered with it")
    List<String> addresses = List.of();

    @Option(names = "--resync-seconds", description = "full convergence pass interval (default: ${DEFAULT-VALUE})",
            defaultValue = "30")
    int resyncSeconds;

    @Option(names = "--heartbeat-seconds", description = "node lease renewal interval (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    int heartbeatSeconds;

    @Option(names = "--site", description = "this node's site (default: the site of the join token this node joined "
            + "with, else default; a node joined with a site-bound token must be in that site)")
    String site;

    @Option(names = "--wg-interface", paramLabel = "NAME",
            description = "join the WireGuard mesh with this interface (must start with qwg, at most 15 characters)")
    String wgInterface;

    @Option(names = "--wg-port", description = "WireGuard UDP port (default: ${DEFAULT-VALUE})", defaultValue = "51820")
    int wgPort;

    @Option(names = "--wg-endpoint", paramLabel = "IP:PORT",
            description = "what nodes of this site dial (default: the first --address and --wg-port)")
    String wgEndpoint;

    @Option(names = "--public-endpoint", paramLabel = "IP:PORT",
            description = "what nodes of other sites dial; omit behind NAT (this node then dials out with keepalives)")
    String publicEndpoint;

    @Option(names = "--gateway", description = "forward between sites for nodes that cannot reach each other")
    boolean gateway;

    @Option(names = "--tunnel-address", paramLabel = "IP", description = "this node's address on the tunnel")
    String tunnelAddress;

    @Option(names = "--wg-keepalive", description = "keepalive seconds towards other sites behind NAT (default: ${DEFAULT-VALUE})",
            defaultValue = "25")
    int wgKeepalive;

    @Option(names = "--wg-mtu", description = "tunnel MTU (default: the underlay link's MTU - 80)", defaultValue = "0")
    int wgMtu;

    @Option(names = "--metrics-listen", paramLabel = "ADDR:PORT",
            description = "serve Prometheus metrics at http://ADDR:PORT/metrics (default: not served)")
    String metricsListen;

    @Override
    public Integer call() throws Exception {
        if (!NetNs.isRoot()) {
            spec.commandLine().getErr().println("error: qnf agent programs the kernel and must run as root");
            return 1;
        }
        try {
            mesh();   // bad mesh flags are refused before a join spends the token
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        TlsFiles identity = TlsFiles.in(tlsDir);
        if (joinUrl != null && identity.exist()) {
            // a restart with the same command line: the token was spent by the first start (as qnf server does)
            String holder = identity.load().spiffeId().name();
            if (!holder.equals(node)) {
                spec.commandLine().getErr().println("error: " + tlsDir + " holds the identity of node " + holder
                        + ", not " + node);
                return 2;
            }
            spec.commandLine().getOut().println("node " + node + " already has its identity in " + tlsDir
                    + "; not joining again (empty that directory to join anew)");
        } else if (joinUrl != null) {
            if (token == null || caHash == null) {
                spec.commandLine().getErr().println("error: --join needs --token and --ca-hash");
                return 2;
            }
            Joiner.NodeJoined joined = Joiner.joinNode(joinUrl, token, caHash, node, site, tlsDir);
            JoinedSite.write(tlsDir, joined.site());
            spec.commandLine().getOut().println("joined as node " + node
                    + (joined.site() == null ? "" : " of site " + joined.site()) + "; certificate in " + tlsDir);
        }
        String joinedSite = JoinedSite.read(tlsDir);
        if (site == null) {
            site = joinedSite;
        } else if (joinedSite != null && !joinedSite.equals(site)) {
            spec.commandLine().getErr().println("error: node " + node + " joined site " + joinedSite + " (" + tlsDir
                    .resolve(JoinedSite.FILE) + "); the control plane refuses it in site " + site + ". To move it, "
                    + "join again with a token of site " + site + " (qnf token create --site " + site + ")");
            return 2;
        }
        MeshConfig mesh;
        try {
            mesh = mesh();
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        AgentConfig config = AgentConfig.builder(node, endpoints).stateDir(stateDir).socket(socket).domain(domain)
                .addresses(addresses).resync(Duration.ofSeconds(resyncSeconds))
                .heartbeat(Duration.ofSeconds(heartbeatSeconds)).tls(identity).mesh(mesh).site(site)
                .metricsListen(listenAddress(metricsListen)).build();
        NodeAgent agent = NodeAgent.start(config);
        AtomicBoolean closed = new AtomicBoolean();
        Runnable close = () -> {
            if (closed.compareAndSet(false, true)) {
                agent.close();
            }
        };
        CompletableFuture<Void> stopped = new CompletableFuture<>();
        Thread hook = new Thread(() -> {
            close.run();
            stopped.complete(null);
        }, "qnf-agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().println("qnf agent " + node + " running (control plane " + endpoints + ", socket "
                + socket + ", state " + stateDir + ")");
        spec.commandLine().getOut().flush();
        CompletableFuture.anyOf(stopped, agent.refused()).join();
        if (!agent.refused().isDone()) {
            return 0;   // SIGTERM
        }
        close.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway and finds the agent closed
        }
        throw new RefusedException(node, agent.refused().join(), tlsDir);
    }

    /**
     * The control plane refused this node for good (revoked, its certificate refused): retrying would change
     * nothing, so the agent stops, leaving the data plane as it is, and says why; exit code 6 ({@link Qnf}).
     */
    static final class RefusedException extends RuntimeException {
        RefusedException(String node, QnfApiException refusal, Path tlsDir) {
            super("the control plane refused node " + node + " for good: " + refusal.httpStatus() + " "
                    + refusal.code() + ": " + refusal.getMessage() + ". Not retrying; the data plane is left as it "
                    + "is. " + (refusal.httpStatus() == 401 ? "Its certificate in " + tlsDir + " is no longer "
                    + "accepted: join again with a new token (qnf token create, then qnf agent --join)."
                    : "If it was revoked, it needs a new join token, and its name an admin's qnf node unrevoke (or a "
                    + "new name); otherwise correct what the refusal "
                    + "names (its --node, its --site)."));
        }
    }

    /** The mesh settings from the flags, or null without --wg-interface. */
    private MeshConfig mesh() {
        if (wgInterface == null) {
            if (publicEndpoint != null || gateway || tunnelAddress != null || wgEndpoint != null) {
                throw new IllegalArgumentException("--public-endpoint, --gateway, --tunnel-address and --wg-endpoint"
                        + " need --wg-interface");
            }
            return null;
        }
        UdpEndpoint endpoint;
        if (wgEndpoint != null) {
            endpoint = UdpEndpoint.parse(wgEndpoint);
        } else if (!addresses.isEmpty()) {
            endpoint = new UdpEndpoint(IpAddress.parse(addresses.get(0)), wgPort);
        } else {
            throw new IllegalArgumentException("--wg-interface needs --wg-endpoint or an --address to advertise");
        }
        return new MeshConfig(wgInterface, wgPort, endpoint,
                publicEndpoint == null ? null : UdpEndpoint.parse(publicEndpoint), gateway,
                tunnelAddress == null ? null : IpAddress.parse(tunnelAddress), wgKeepalive, wgMtu,
                Duration.ofSeconds(2), site);
    }

    /** "127.0.0.1:9464", "[::1]:9464", ":9464" (every address); null stays null. */
    private InetSocketAddress listenAddress(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new ParameterException(spec.commandLine(),
                    "--metrics-listen " + text + ": expected ADDR:PORT");
        }
        String host = text.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(),
                    "--metrics-listen " + text + ": port must be 0..65535");
        }
        return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }
}
