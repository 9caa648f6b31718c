package dev.qnf.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code qnf demo}: a multi-host, multi-site WireGuard mesh on this machine. Site 1's hosts sit on a "public"
 * segment, its first host a gateway with a public endpoint; every other site is a LAN behind a NAT router, whose
 * hosts get their identity only from a join token of their site (as an operator brings a new site in). Each
 * host is a network namespace with its own agent process; each gets one container. The demo waits until every
 * container reaches every other, prints who reaches whom and one node's {@code qnf mesh status}, and removes
 * everything it made.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Simulate hosts and sites on this machine (as root, needs wireguard-go): agents, WireGuard "
                + "tunnels, NAT, a gateway and one container per host; show that every container reaches every "
                + "other, then tear it all down."})
final class DemoCommand implements Callable<Integer> {
    private static final String PUBLIC = "172.31.216.";

    @Spec
    CommandSpec spec;

    @Option(names = "--hosts", description = "simulated hosts (default: ${DEFAULT-VALUE})", defaultValue = "3")
    int hosts;

    @Option(names = "--sites", description = "sites; all but the first behind NAT (default: ${DEFAULT-VALUE})",
            defaultValue = "2")
    int sites;

    @Option(names = "--keep-seconds", description = "keep it running this long before tearing down (default: 0)",
            defaultValue = "0")
    int keepSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String missing = SimulatedMesh.missing();
        if (missing != null) {
            spec.commandLine().getErr().println("error: qnf demo " + missing);
            return 1;
        }
        if (hosts < 2 || hosts > 9 || sites < 1 || sites > hosts || sites > 9) {
            spec.commandLine().getErr().println("error: want 2-9 hosts and 1-9 sites, no more sites than hosts");
            return 2;
        }
        Path dir = Files.createTempDirectory("qnf-demo-mesh");
        try (SimulatedMesh mesh = new SimulatedMesh(dir, ProcessHandle.current().pid() + "d", PUBLIC).start()) {
            for (int s = 2; s <= sites; s++) {
                mesh.segment("lan" + s);
                mesh.router("s" + s, PUBLIC + (100 + s), "lan" + s, "10.7" + s + ".0.1");
            }
            List<SimulatedMesh.Host> all = new ArrayList<>();
            for (int i = 1; i <= hosts; i++) {
                int site = (i - 1) % sites + 1;
                String node = "s" + site + "h" + i;
                SimulatedMesh.Host h;
                if (site == 1) {
                    String address = PUBLIC + i;
                    h = i == 1 ? mesh.host(node, "ul", address, null, "--site", "s1", "--gateway",
                            "--public-endpoint", address + ":51820")
                            : mesh.host(node, "ul", address, null, "--site", "s1");
                } else {
                    // what an operator does to bring in a site: a token of that site, and the agent joins with it
                    h = mesh.joiningHost(node, "s" + site, "lan" + site, "10.7" + site + ".0." + (10 + i),
                            "10.7" + site + ".0.1");
                }
                out.printf("host %s (site s%d%s): agent started, WireGuard interface %s%n", node, site,
                        site == 1 ? (i == 1 ? ", gateway, public endpoint" : "")
                                : ", behind NAT, joined with a token of site s" + site
                                + " (qnf agent --join " + mesh.joinUrl() + " --token ...)", h.wg);
                out.flush();
                all.add(h);
            }
            for (SimulatedMesh.Host h : all) {
                mesh.container(h);
                out.printf("container on %s: %s%n", h.node, h.containerIp);
                out.flush();
            }
            boolean everyone = SimulatedMesh.waitUntil(Duration.ofSeconds(120), () -> all.stream().allMatch(a ->
                    all.stream().allMatch(b -> a == b || a.ping(b))));
            out.println();
            for (SimulatedMesh.Host a : all) {
                StringBuilder row = new StringBuilder(a.node + " ->");
                for (SimulatedMesh.Host b : all) {
                    if (a != b) {
                        row.append("  ").append(b.node).append(a.ping(b) ? " ok" : " FAILED");
                    }
                }
                out.println(row);
            }
            SimulatedMesh.Host last = all.get(all.size() - 1);
            out.println();
            out.println("$ qnf mesh status --node " + last.node + " --wg-interface " + last.wg);
            out.flush();
            Qnf.run("mesh", "status", "--node", last.node, "--wg-interface", last.wg, "--endpoint",
                    mesh.server.apiUrl().toString(), "--tls-dir", dir.resolve("admin").toString());
            if (keepSeconds > 0) {
                out.printf("%nkeeping it up for %d s (namespaces qnf-demo-m*, wg show all)...%n", keepSeconds);
                out.flush();
                Thread.sleep(keepSeconds * 1000L);
            }
            out.println();
            out.println(everyone ? "every container reached every other; tearing down" : "NOT every pair connected; "
                    + "agent logs are under " + dir + "; tearing down");
            out.flush();
            return everyone ? 0 : 1;
        }
    }
}
