package dev.qnf.cli.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Podman 4 on this machine, reproducibly and without touching its defaults: the CNI network backend, private
 * storage and state, runc, a busybox root file system instead of an image, and a private "host" network namespace
 * in which podman, the CNI plugins and whatever the test starts there (the QNF agent) do all their networking.
 *
 * <p>What it sets up, all under one temporary directory {@code /tmp/qnfe2e-<pid>-<rand>} and two network
 * namespaces {@code qnfe2e-<pid>-<rand>-host} and {@code -inet}:
 * <ul>
 *   <li>{@code containers.conf} (podman reads only this file, through {@code CONTAINERS_CONF}):
 *       {@code network_backend = "cni"}, {@code cni_plugin_dirs} = {@link #pluginDir()} then the reference
 *       plugins' directories, {@code network_config_dir} = {@link #confDir()}, {@code runtime = "runc"} (crun fails
 *       on this machine's hybrid cgroups), {@code cgroup_manager = "cgroupfs"} (no systemd), file event log, file
 *       locks and {@code tmp_dir} in the directory, so two fixtures (or a fixture and the machine's own podman)
 *       never share lock or state files;</li>
 *   <li>{@code storage.conf} ({@code CONTAINERS_STORAGE_CONF}): the vfs driver (no overlay mounts to leak) and
 *       private {@code graphroot}/{@code runroot};</li>
 *   <li>{@link BusyboxRootfs}: every container runs {@code podman run ... --rootfs DIR cmd}; note that
 *       {@code --rootfs} is a flag without a value and the next argument is the directory, so it must come last
 *       among the options;</li>
 *   <li>per container, {@code --ulimit nofile=10000:10000 --ulimit nproc=10000:10000} (podman's defaults exceed this
 *       machine's hard limits and root here may not raise them) and {@code --cap-add NET_RAW} (for ping);</li>
 *   <li>the "host" namespace: podman runs as {@code nsenter --net=<host ns> podman ...}, which changes only the
 *       network namespace. ({@code ip netns exec} would also give podman a private mount namespace with a fresh
 *       {@code /sys}: the cgroup mounts disappear and runc fails, and the container namespaces podman bind-mounts
 *       under {@code /run/netns} would be invisible to the next podman command.) So bridges, veths, iptables and
 *       nftables rules, published ports and forwarding sysctls of the reference plugins or the QNF agent all live
 *       in that namespace and die with it;</li>
 *   <li>the "internet": a namespace at {@value #INTERNET} behind the host's {@code up0} ({@value #UPLINK}/24, the
 *       host's default route), serving {@code http://203.0.113.2/cgi-bin/ip} which echoes the client address. It has
 *       no route to any container network, so a container reaches it only if the host masquerades;</li>
 *   <li>a control link between the root namespace ({@link #controlAddress()}) and the host namespace, so processes
 *       in the host namespace reach servers the test runs in its own JVM (the QNF API, a stub DNS server).</li>
 * </ul>
 *
 * <p>{@link #close()} always removes everything (containers, conmon processes, container namespaces, processes
 * started with {@link #startInHost}, both namespaces with all they hold, mounts, the directory) and fails if
 * something could not be removed or if QNF objects appeared in the root namespace. A JVM shutdown hook closes it
 * too, and {@link #start()} sweeps what a killed JVM left behind.
 */
public final class PodmanFixture implements AutoCloseable {
    public static final String INTERNET = "203.0.113.2";
    public static final String UPLINK = "203.0.113.1";
    static final String PREFIX = "qnfe2e-";
    static final List<String> RUN_FLAGS = List.of("--ulimit", "nofile=10000:10000", "--ulimit", "nproc=10000:10000",
            "--cap-add", "NET_RAW");
    static final List<String> REFERENCE_PLUGIN_DIRS = List.of("/usr/lib/cni", "/usr/libexec/cni", "/opt/cni/bin");
    static final Duration PODMAN_TIMEOUT = Duration.ofSeconds(120);
    /** Names QNF's agent gives host links (bridges {@code qnf-<network>}, veths {@code qv<12 hex>}). */
    private static final Pattern QNF_LINK = Pattern.compile("qnf-.*|qbr-.*|qv[0-9a-f]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern QNF_TABLE = Pattern.compile("table (inet|ip|ip6|bridge|arp|netdev) (qnf\\S*)");

    /** A running container: name, full id, its address and MAC on its (single) network, its namespace path. */
    public record Container(String name, String id, String ip, String mac, String sandbox) {
    }

    private final Path dir;
    private final String hostNs;
    private final String internetNs;
    private final String controlLink;
    private final String controlAddress;
    private final String controlHostAddress;
    private final Path rootfs;
    private final Map<String, String> env;
    private final Set<String> rootLinksBefore;
    private final Set<String> rootTablesBefore;
    private final List<Process> children = new ArrayList<>();
    private final Set<String> sandboxes = new LinkedHashSet<>();
    private final Thread shutdownHook = new Thread(this::closeQuietly, "podman-fixture-cleanup");
    private boolean closed;

    private PodmanFixture(Path dir, String name, int control) {
        this.dir = dir;
        this.hostNs = name + "-host";
        this.internetNs = name + "-inet";
        this.controlLink = "qe2e" + name.substring(name.lastIndexOf('-') + 1);
        this.controlAddress = "198.18." + (control >> 8) + "." + ((control & 0xfc) + 1);
        this.controlHostAddress = "198.18." + (control >> 8) + "." + ((control & 0xfc) + 2);
        this.rootfs = dir.resolve("rootfs");
        this.env = Map.of("CONTAINERS_CONF", dir.resolve("containers.conf").toString(),
                "CONTAINERS_STORAGE_CONF", dir.resolve("storage.conf").toString());
        this.rootLinksBefore = rootLinks();
        this.rootTablesBefore = rootTables();
    }

    /**
     * Checks the prerequisites (skipping the test through an assumption when one is missing: root, podman, runc,
     * nsenter, ip, a static busybox), sweeps leftovers of killed runs, then builds everything.
     */
    public static PodmanFixture start() {
        Assumptions.assumeTrue(isRoot(), "needs root (network namespaces, podman as root)");
        for (String tool : List.of("podman", "runc", "nsenter", "ip", "nft")) {
            Assumptions.assumeTrue(Sh.run("sh", "-c", "command -v " + tool).ok(), tool + " is not installed");
        }
        Optional<Path> busybox = BusyboxRootfs.staticBusybox();
        Assumptions.assumeTrue(busybox.isPresent(), "needs a static busybox (apt-get install busybox-static)");
        sweepStale();
        String rand = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String name = PREFIX + ProcessHandle.current().pid() + "-" + rand;
        Path dir = Path.of("/tmp", name);
        PodmanFixture f;
        try {
            Files.createDirectory(dir,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            f = new PodmanFixture(dir, name, ThreadLocalRandom.current().nextInt(0x10000));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Runtime.getRuntime().addShutdownHook(f.shutdownHook);
        try {
            f.build(busybox.get());
            return f;
        } catch (Throwable t) {
            f.closeQuietly();
            throw t instanceof RuntimeException r ? r : new IllegalStateException("podman fixture set-up failed", t);
        }
    }

    private void build(Path busybox) throws IOException {
        for (String d : List.of("cni-bin", "cni-conf", "cni-ipam", "storage/root", "storage/run", "tmp",
                "internet/cgi-bin", "logs")) {
            Files.createDirectories(dir.resolve(d));
        }
        BusyboxRootfs.create(busybox, rootfs);
        List<String> pluginDirs = new ArrayList<>(List.of(pluginDir().toString()));
        pluginDirs.addAll(REFERENCE_PLUGIN_DIRS);
        Files.writeString(dir.resolve("containers.conf"), """
                # Written by PodmanFixture. Podman reads only this file (CONTAINERS_CONF).
                [network]
                network_backend = "cni"
                cni_plugin_dirs = [%s]
                network_config_dir = "%s"

                [engine]
                runtime = "runc"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                tmp_dir = "%s"
                lock_type = "file"
                """.formatted(pluginDirs.stream().map(d -> "\"" + d + "\"").collect(Collectors.joining(", ")),
                confDir(), dir.resolve("tmp")));
        Files.writeString(dir.resolve("storage.conf"), """
                # Written by PodmanFixture (CONTAINERS_STORAGE_CONF).
                [storage]
                driver = "vfs"
                graphroot = "%s"
                runroot = "%s"
                """.formatted(dir.resolve("storage/root"), dir.resolve("storage/run")));
        Files.writeString(dir.resolve("env.sh"), """
                # Source this to run podman by hand in this fixture: . %s/env.sh; p ps -a
                export CONTAINERS_CONF=%s CONTAINERS_STORAGE_CONF=%s
                p() { nsenter --net=/run/netns/%s podman "$@"; }
                """.formatted(dir, env.get("CONTAINERS_CONF"), env.get("CONTAINERS_STORAGE_CONF"), hostNs));

        ip("netns", "add", hostNs);
        ip("netns", "add", internetNs);
        ip("-n", hostNs, "link", "set", "lo", "up");
        ip("-n", internetNs, "link", "set", "lo", "up");
        ip("-n", hostNs, "link", "add", "up0", "type", "veth", "peer", "name", "eth0", "netns", internetNs);
        ip("-n", hostNs, "addr", "add", UPLINK + "/24", "dev", "up0");
        ip("-n", hostNs, "link", "set", "up0", "up");
        ip("-n", internetNs, "addr", "add", INTERNET + "/24", "dev", "eth0");
        ip("-n", internetNs, "link", "set", "eth0", "up");
        ip("-n", hostNs, "route", "add", "default", "via", INTERNET);
        ip("link", "add", controlLink, "type", "veth", "peer", "name", "ctl0", "netns", hostNs);
        ip("addr", "add", controlAddress + "/30", "dev", controlLink);
        ip("link", "set", controlLink, "up");
        ip("-n", hostNs, "addr", "add", controlHostAddress + "/30", "dev", "ctl0");
        ip("-n", hostNs, "link", "set", "ctl0", "up");
        inHost("sysctl", "-qw", "net.ipv4.ip_forward=1").orFail();

        Path cgi = dir.resolve("internet/cgi-bin/ip");
        Files.writeString(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n%s\\n' \"$REMOTE_ADDR\"\n");
        Files.setPosixFilePermissions(cgi, PosixFilePermissions.fromString("rwxr-xr-x"));
        startIn(internetNs, List.of(busybox.toString(), "httpd", "-f", "-p", INTERNET + ":80", "-h",
                dir.resolve("internet").toString()), dir.resolve("logs/internet-httpd.log"));
        Sh.Result podman = podman("info", "--format", "{{.Host.NetworkBackend}} {{.Host.OCIRuntime.Name}}").orFail();
        if (!podman.out().strip().equals("cni runc")) {
            throw new IllegalStateException("podman is not configured as expected: " + podman);
        }
    }

    // ---- where things are

    public Path dir() {
        return dir;
    }

    /** Listed first in {@code cni_plugin_dirs}: where {@code qnf cni install --bin-dir} should put the plugin. */
    public Path pluginDir() {
        return dir.resolve("cni-bin");
    }

    /** Podman's network config dir: conflists written here are podman networks (named by their "name"). */
    public Path confDir() {
        return dir.resolve("cni-conf");
    }

    public Path rootfs() {
        return rootfs;
    }

    /** The environment podman needs (CONTAINERS_CONF, CONTAINERS_STORAGE_CONF). */
    public Map<String, String> env() {
        return env;
    }

    public String hostNs() {
        return hostNs;
    }

    public String hostNsPath() {
        return "/run/netns/" + hostNs;
    }

    /** An address of the root namespace (where the test JVM runs) that the host namespace and containers reach. */
    public String controlAddress() {
        return controlAddress;
    }

    // ---- networks

    /**
     * Writes a conflist for the reference plugins: {@code bridge} (gateway, masquerade, hairpin) with
     * {@code host-local} addresses from {@code subnet} (a /24, gateway .1, state in this fixture's directory) and
     * {@code portmap} for {@code -p}. Returns the network's name.
     */
    public String referenceNetwork(String name, String subnet) throws IOException {
        String gateway = subnet.substring(0, subnet.lastIndexOf('.')) + ".1";
        Files.writeString(confDir().resolve(name + ".conflist"), """
                {
                  "cniVersion": "1.0.0",
                  "name": "%s",
                  "plugins": [
                    {"type": "bridge", "bridge": "br-%s", "isGateway": true, "ipMasq": true, "hairpinMode": true,
                     "ipam": {"type": "host-local", "ranges": [[{"subnet": "%s", "gateway": "%s"}]],
                              "routes": [{"dst": "0.0.0.0/0"}], "dataDir": "%s"}},
                    {"type": "portmap", "capabilities": {"portMappings": true}, "snat": true}
                  ]
                }
                """.formatted(name, name, subnet, gateway, referenceIpamDir()));
        return name;
    }

    /** Where host-local keeps the reference networks' leases (one file per address, under the network's name). */
    public Path referenceIpamDir() {
        return dir.resolve("cni-ipam");
    }

    /** Podman's networks, by name. */
    public Set<String> networks() {
        return lines(podman("network", "ls", "--format", "{{.Name}}").orFail().out());
    }

    // ---- containers

    /** Runs podman in the host namespace with this fixture's configuration. */
    public Sh.Result podman(String... args) {
        return podman(Map.of(), args);
    }

    /** The same with more environment for podman itself ({@code CNI_ARGS}, which podman hands on to the plugins). */
    public Sh.Result podman(Map<String, String> moreEnv, String... args) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + hostNsPath(), "podman"));
        cmd.addAll(Arrays.asList(args));
        Map<String, String> all = new TreeMap<>(env);
        all.putAll(moreEnv);
        return Sh.run(cmd, all, PODMAN_TIMEOUT);
    }

    /**
     * {@code podman run -d --name NAME --network NETWORK RUN_FLAGS [options] --rootfs DIR command}, then inspects it.
     * {@code --rootfs} takes no value (the next argument is the directory), so it comes last among the options.
     */
    public Container run(String network, String name, List<String> options, String... command) {
        return run(network, name, Map.of(), options, command);
    }

    /** {@link #run(String, String, List, String...)} with more environment for podman (see {@link #podman(Map, String...)}). */
    public Container run(String network, String name, Map<String, String> moreEnv, List<String> options,
                         String... command) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--name", name, "--network", network));
        args.addAll(RUN_FLAGS);
        args.addAll(options);
        args.addAll(List.of("--rootfs", rootfs.toString()));
        args.addAll(Arrays.asList(command));
        podman(moreEnv, args.toArray(String[]::new)).orFail();
        Container c = inspect(name);
        sandboxes.add(c.sandbox());
        return c;
    }

    /** The names of all podman containers, running or not. */
    public Set<String> containerNames() {
        return lines(podman("ps", "-a", "--format", "{{.Names}}").orFail().out());
    }

    /**
     * The files libcni keeps for a container's attachments in its machine-wide cache ({@code /var/lib/cni/results},
     * which podman does not let us move); ADD writes one per network, DEL removes it.
     */
    public static List<Path> cniCacheEntries(String containerId) {
        try (Stream<Path> files = Files.list(Path.of("/var/lib/cni/results"))) {
            return files.filter(f -> f.getFileName().toString().contains(containerId)).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The container as podman recorded it from the CNI result (address and MAC empty if the result lacks them). */
    public Container inspect(String name) {
        String out = podman("inspect", "--format", "{{.Id}}|{{.NetworkSettings.SandboxKey}}"
                + "{{range .NetworkSettings.Networks}}|{{.IPAddress}}|{{.MacAddress}}{{end}}", name).orFail().out();
        String[] f = out.strip().split("\\|", -1);
        if (f.length != 4) {
            throw new AssertionError("expected one network for " + name + ": " + out);
        }
        return new Container(name, f[0], f[2], f[3], f[1]);
    }

    /**
     * The plugin configuration a runtime would pass for network {@code name}: the first plugin of its conflist with
     * the list's {@code name} and {@code cniVersion}, or the whole file for a single-plugin {@code .conf}.
     */
    public ObjectNode pluginConfig(String name) throws IOException {
        try (Stream<Path> files = Files.list(confDir())) {
            for (Path f : files.filter(p -> p.toString().matches(".*\\.(conflist|conf|json)")).sorted().toList()) {
                JsonNode conf = JSON.readTree(f.toFile());
                if (name.equals(conf.path("name").asText())) {
                    if (!conf.has("plugins")) {
                        return (ObjectNode) conf;
                    }
                    ObjectNode plugin = ((ObjectNode) conf.path("plugins").get(0)).deepCopy();
                    return plugin.put("name", name).put("cniVersion", conf.path("cniVersion").asText());
                }
            }
        }
        throw new AssertionError("no network configuration named " + name + " in " + confDir());
    }

    public Sh.Result exec(Container c, String... command) {
        List<String> args = new ArrayList<>(List.of("exec", c.name()));
        args.addAll(Arrays.asList(command));
        return podman(args.toArray(String[]::new));
    }

    /** {@code podman rm -f -t 0}: stops (SIGKILL) and removes the container, which tears its network down. */
    public void rm(Container c) {
        podman("rm", "-f", "-t", "0", c.name()).orFail();
    }

    /**
     * What busybox {@code nslookup NAME} prints in the container. Its exit code is not used: busybox asks every
     * search domain at once and exits 1 if any of them lacks the name, even when another one answered.
     */
    public String lookup(Container c, String name) {
        return exec(c, "nslookup", name).out();
    }

    /** The index, in the host namespace, of the host end of the container's eth0 veth. */
    public int hostIfIndex(Container c) {
        return Integer.parseInt(exec(c, "cat", "/sys/class/net/eth0/iflink").orFail().out().strip());
    }

    /** The address the internet sees when this container fetches from it (the container's own if not masqueraded). */
    public String internetSees(Container c) {
        String url = "http://" + INTERNET + "/cgi-bin/ip";
        String out = exec(c, "timeout", "10", "wget", "-q", "-O", "-", url).orFail().out();
        return out.strip().replace("[", "").replace("]", "").replace("::ffff:", "");
    }

    // ---- the host and the internet

    /** Runs a command in the host namespace (nsenter --net, so the file system is the machine's). */
    public Sh.Result inHost(String... command) {
        return in(hostNs, command);
    }

    public Sh.Result inInternet(String... command) {
        return in(internetNs, command);
    }

    /**
     * {@code busybox wget -O -} in the host namespace, bounded by {@code busybox timeout} (this busybox's own
     * {@code wget -T} crashes): the body, or a failed result.
     */
    public Sh.Result httpGetFromHost(String url) {
        return inHost(busybox(), "timeout", "10", busybox(), "wget", "-q", "-O", "-", url);
    }

    public Sh.Result httpGetFromInternet(String url) {
        return inInternet(busybox(), "timeout", "10", busybox(), "wget", "-q", "-O", "-", url);
    }

    /**
     * Starts a long-running process in the host namespace, output to {@code log}. It is killed on {@link #close()}
     * unless stopped before; {@code nsenter} execs the command, so the returned process is the command itself.
     */
    public Process startInHost(List<String> command, Path log) {
        return startIn(hostNs, command, log);
    }

    /** Link name by index in the host namespace. */
    public Map<Integer, String> hostLinks() {
        Map<Integer, String> links = new TreeMap<>();
        for (String line : lines(inHost("ip", "-o", "link", "show").orFail().out())) {
            String[] f = line.split(":\\s+", 3);
            links.put(Integer.parseInt(f[0].strip()), f[1].replaceFirst("@.*", ""));
        }
        return links;
    }

    /** Links, addresses, routes, nftables and iptables of the host namespace, and podman's containers: for messages. */
    public String describe() {
        StringBuilder sb = new StringBuilder("---- podman fixture " + dir + "\n");
        for (Sh.Result r : List.of(podman("ps", "-a"), inHost("ip", "-br", "link"), inHost("ip", "-br", "addr"),
                inHost("ip", "route"), inHost("nft", "list", "ruleset"))) {
            sb.append("$ ").append(String.join(" ", r.command().subList(2, r.command().size()))).append('\n')
                    .append(r.out()).append(r.err());
        }
        return sb.toString();
    }

    /**
     * An extension that prints {@link #describe()} when a test fails, right after the test method and before any
     * {@code @AfterEach} removes its containers.
     */
    public static AfterTestExecutionCallback describeOnFailure(Supplier<PodmanFixture> fixture) {
        return describeOnFailure(fixture, () -> "");
    }

    /** The same, followed by {@code more} (an agent's log, say). */
    public static AfterTestExecutionCallback describeOnFailure(Supplier<PodmanFixture> fixture, Supplier<String> more) {
        return context -> {
            PodmanFixture f = fixture.get();
            if (context.getExecutionException().isPresent() && f != null) {
                System.out.println(f.describe());
                System.out.println(more.get());
            }
        };
    }

    private Sh.Result in(String ns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns));
        cmd.addAll(Arrays.asList(command));
        return Sh.run(cmd, env, Sh.DEFAULT_TIMEOUT);
    }

    private Process startIn(String ns, List<String> command, Path log) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=/run/netns/" + ns));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            synchronized (children) {
                children.add(p);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String busybox() {
        return BusyboxRootfs.staticBusybox().orElseThrow().toString();
    }

    // ---- clean-up

    /** Removes everything; fails, after trying every step, if something could not be removed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // closing from the hook itself
        }
        List<String> problems = new ArrayList<>();
        Sh.Result rm = podman("rm", "-a", "-f", "-t", "0");
        if (!rm.ok()) {
            problems.add("podman rm -a: " + rm);
        }
        synchronized (children) {
            for (Process p : children) {
                stop(p);
            }
        }
        problems.addAll(teardown(dir, List.of(hostNs, internetNs), sandboxes));
        if (rootLinks().contains(controlLink) && !Sh.run("ip", "link", "del", controlLink).ok()) {
            problems.add("could not delete the control link " + controlLink);
        }
        Set<String> links = rootLinks();
        links.removeAll(rootLinksBefore);
        for (String link : links) {
            if (QNF_LINK.matcher(link).matches()) {
                problems.add("QNF link " + link + " appeared in the root namespace; deleted");
                Sh.run("ip", "link", "del", link);
            }
        }
        Set<String> tables = rootTables();
        tables.removeAll(rootTablesBefore);
        for (String table : tables) {
            Matcher m = QNF_TABLE.matcher(table);
            if (m.matches()) {
                problems.add("nftables " + table + " appeared in the root namespace; deleted");
                Sh.run("nft", "delete", "table", m.group(1), m.group(2));
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("podman fixture clean-up:\n" + String.join("\n", problems));
        }
    }

    /** Ends a child: SIGTERM, then SIGKILL after 10 s. */
    public static void stop(Process p) {
        if (!p.isAlive()) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException | AssertionError e) {
            System.err.println(e.getMessage());
        }
    }

    /**
     * Removes what a fixture left in {@code dir} and its namespaces: containers podman could not remove (killed and
     * deleted with runc, by the ids in the fixture's storage), its remaining conmon processes (the only processes
     * whose command line names the directory), the container namespaces, the namespaces, mounts under the
     * directory, the directory, and podman's cgroup parents if nothing else uses them. Returns what it had to
     * force or could not remove.
     */
    private static List<String> teardown(Path dir, List<String> namespaces, Set<String> sandboxes) {
        List<String> problems = new ArrayList<>();
        for (String id : containerIds(dir)) {
            if (Files.exists(Path.of("/run/runc", id))) {
                problems.add("container " + id + " outlived podman rm; killed with runc");
                Sh.run("runc", "delete", "--force", id);
            }
        }
        String marker = dir.toString() + "/";
        ProcessHandle.allProcesses()
                .filter(ph -> ph.info().arguments().map(a -> String.join(" ", a).contains(marker)).orElse(false))
                .filter(ph -> ph.pid() != ProcessHandle.current().pid())
                .forEach(ph -> {
                    problems.add("killed leftover process " + ph.pid() + " " + ph.info().commandLine().orElse(""));
                    ph.destroyForcibly();
                });
        for (String sandbox : sandboxes) {
            if (Files.exists(Path.of(sandbox))) {
                problems.add("container namespace " + sandbox + " was left; removed");
                Sh.run("umount", sandbox);
                Sh.run("rm", "-f", sandbox);
            }
        }
        for (String ns : namespaces) {
            if (Files.exists(Path.of("/run/netns", ns)) && !Sh.run("ip", "netns", "del", ns).ok()) {
                problems.add("could not delete namespace " + ns);
            }
        }
        for (String m : mountsUnder(dir)) {
            Sh.run("umount", "-l", m);
        }
        // podman's cgroupfs parents (libpod_parent/conmon in every hierarchy); rmdir fails while another uses them
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Sh.run("rmdir", h.resolve("libpod_parent/conmon").toString(), h.resolve("libpod_parent").toString());
            }
        } catch (IOException e) {
            // no cgroup file system to tidy
        }
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
        } catch (IOException e) {
            problems.add("could not delete " + dir + ": " + e);
        }
        return problems;
    }

    /** Removes the directories and namespaces of fixtures whose JVM is gone (killed before it could close them). */
    static void sweepStale() {
        Pattern owned = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-[0-9a-f]+");
        try (Stream<Path> tmp = Files.list(Path.of("/tmp"))) {
            for (Path d : tmp.toList()) {
                Matcher m = owned.matcher(d.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    String name = d.getFileName().toString();
                    if (Files.exists(d.resolve("containers.conf"))) {
                        Sh.run(List.of("nsenter", "--net=/run/netns/" + name + "-host", "podman", "rm", "-a", "-f",
                                "-t", "0"), Map.of("CONTAINERS_CONF", d.resolve("containers.conf").toString(),
                                "CONTAINERS_STORAGE_CONF", d.resolve("storage.conf").toString()), PODMAN_TIMEOUT);
                    }
                    teardown(d, List.of(name + "-host", name + "-inet"), Set.of());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Pattern ownedNs = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-.*");
        for (String line : lines(Sh.run("ip", "netns", "list").out())) {
            String ns = line.split("\\s")[0];
            Matcher m = ownedNs.matcher(ns);
            if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                Sh.run("ip", "netns", "del", ns);
            }
        }
    }

    /** The ids of the containers in a fixture's storage (podman's per-container directories). */
    private static Set<String> containerIds(Path dir) {
        Set<String> ids = new LinkedHashSet<>();
        for (Path d : List.of(dir.resolve("storage/root/vfs-containers"), dir.resolve("storage/run/vfs-containers"))) {
            try (Stream<Path> entries = Files.list(d)) {
                entries.map(e -> e.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{64}")).forEach(ids::add);
            } catch (IOException e) {
                // no containers there
            }
        }
        return ids;
    }

    private static List<String> mountsUnder(Path dir) {
        try {
            String prefix = dir.toString() + "/";
            return Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8).stream()
                    .map(line -> line.split(" ")[4].replace("\\040", " "))
                    .filter(m -> m.startsWith(prefix))
                    .sorted(Comparator.comparing(String::length).reversed())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Set<String> rootLinks() {
        Set<String> names = new LinkedHashSet<>();
        for (String line : lines(Sh.run("ip", "-o", "link", "show").out())) {
            String[] f = line.split(":\\s+", 3);
            if (f.length > 1) {
                names.add(f[1].replaceFirst("@.*", ""));
            }
        }
        return names;
    }

    private static Set<String> rootTables() {
        return lines(Sh.run("nft", "list", "tables").out());
    }

    static Set<String> lines(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void ip(String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(Arrays.asList(args));
        Sh.run(cmd, Map.of(), Sh.DEFAULT_TIMEOUT).orFail();
    }

    private static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
        } catch (IOException e) {
            return false;
        }
    }
}
