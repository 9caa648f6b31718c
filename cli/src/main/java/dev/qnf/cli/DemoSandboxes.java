package dev.qnf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Two "containers" for the dev demo: network namespaces plugged in through the installed qnf CNI plugin exactly as
 * a runtime would (environment + stdin), so the demo needs no image or container runtime. Each gets an
 * /etc/netns/NAME/resolv.conf from the CNI result, which {@code ip netns exec} shows it as /etc/resolv.conf.
 */
final class DemoSandboxes {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path binDir;
    private final JsonNode pluginConf;
    private final List<String> created = new ArrayList<>();

    private DemoSandboxes(Path binDir, JsonNode pluginConf) {
        this.binDir = binDir;
        this.pluginConf = pluginConf;
    }

    /** Installs the plugin and a conflist for {@code network} under the dev data dir. */
    static DemoSandboxes install(Path dataDir, String network) throws IOException {
        Path bin = dataDir.resolve("cni/bin");
        Path conf = dataDir.resolve("cni/net.d");
        int code = Qnf.run("cni", "install", "--bin-dir", bin.toString(), "--conf-dir", conf.toString(),
                "--network", network, "--agent-socket", DevAgent.socket(dataDir).toString());
        if (code != 0) {
            throw new IllegalStateException("qnf cni install failed (exit " + code + ")");
        }
        JsonNode list;
        try (var files = Files.list(conf)) {
            Path conflist = files.filter(p -> p.getFileName().toString().endsWith("-qnf-" + network + ".conflist"))
                    .findFirst().orElseThrow();
            list = JSON.readTree(conflist.toFile());
        }
        // A runtime hands each plugin its entry plus the list's name and cniVersion.
        ObjectNode plugin = ((ObjectNode) list.path("plugins").get(0)).deepCopy();
        plugin.set("name", list.get("name"));
        plugin.set("cniVersion", list.get("cniVersion"));
        return new DemoSandboxes(bin, plugin);
    }

    /** Creates namespace qnf-demo-NAME and runs CNI ADD for it; returns the CNI result. */
    JsonNode add(String name) throws IOException, InterruptedException {
        return add(name, null);
    }

    /** The same, with endpoint labels ({@code k=v,k2=v2}, as {@code QNF_LABELS}) for policies to select; may be null. */
    JsonNode add(String name, String labels) throws IOException, InterruptedException {
        String ns = "qnf-demo-" + name;
        sh("ip", "netns", "add", ns);
        created.add(name);
        JsonNode result = JSON.readTree(cni("ADD", name, labels));
        Path etc = Path.of("/etc/netns", ns);
        Files.createDirectories(etc);
        StringBuilder resolv = new StringBuilder();
        result.path("dns").path("nameservers").forEach(n -> resolv.append("nameserver ").append(n.asText()).append('\n'));
        List<String> search = new ArrayList<>();
        result.path("dns").path("search").forEach(s -> search.add(s.asText()));
        if (!search.isEmpty()) {
            resolv.append("search ").append(String.join(" ", search)).append('\n');
        }
        Files.writeString(etc.resolve("resolv.conf"), resolv.toString());
        return result;
    }

    String exec(String name, String... cmd) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", "qnf-demo-" + name));
        full.addAll(List.of(cmd));
        return sh(full.toArray(String[]::new));
    }

    /** CNI DEL for every sandbox, then the namespaces and their /etc/netns entries. */
    void remove() {
        for (String name : created) {
            try {
                cni("DEL", name, null);
            } catch (IOException | InterruptedException | RuntimeException e) {
                System.err.println("demo: DEL " + name + ": " + e.getMessage());
            }
            run("ip", "netns", "del", "qnf-demo-" + name);
            run("rm", "-rf", "/etc/netns/qnf-demo-" + name);
        }
        created.clear();
    }

    private String cni(String command, String name, String labels) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binDir.resolve("qnf").toString());
        Map<String, String> env = pb.environment();
        env.put("CNI_COMMAND", command);
        env.put("CNI_CONTAINERID", "demo-" + name);
        env.put("CNI_NETNS", "/var/run/netns/qnf-demo-" + name);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", binDir.toString());
        env.put("CNI_ARGS", "K8S_POD_NAME=" + name + (labels == null ? "" : ";QNF_LABELS=" + labels));
        Process p = pb.start();
        p.getOutputStream().write(JSON.writeValueAsBytes(pluginConf));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("CNI " + command + " for " + name + " failed: " + out);
        }
        return out;
    }

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out.strip());
        }
        return out;
    }

    private static void run(String... cmd) {
        try {
            sh(cmd);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // best effort during cleanup
        }
    }
}
