package dev.qnf.chaos.harness;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One network namespace per server, each with a veth to a bridge in a dedicated "fabric" namespace; the host
 * reaches the bridge through one more veth. All addresses are in a /24 of 198.18.0.0/15 (the benchmarking range)
 * that no host interface uses. Partitions are nftables drop rules on input in the servers' own namespaces, so
 * packets leave and are lost on the way, like on a real network; the host (the test client) is never cut off.
 *
 * <p>Names start with {@code qc<pid><letter>}, so a later run removes what a crashed run left behind.
 */
public final class NamespaceNetwork implements ServerNetwork {
    public static final int API_PORT = 7401;
    public static final int RAFT_PORT = 7411;
    private static final String TABLE = "qnfchaos";
    private static final Pattern OURS = Pattern.compile("^qc(\\d+)[a-z](-\\S+|h)$");
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final String tag;
    private final String subnet;
    private final String fabric;
    private final Map<Integer, String> namespaces = new TreeMap<>();
    /** Containers' namespaces (not on the bridge: a node agent plugs them in). */
    private final java.util.Set<String> containers = new java.util.LinkedHashSet<>();
    private boolean closed;

    private NamespaceNetwork(String tag, String subnet) {
        this.tag = tag;
        this.subnet = subnet;
        this.fabric = tag + "-fab";
    }

    /** Creates the fabric namespace, its bridge and the host's link to it. */
    public static NamespaceNetwork create() {
        removeLeftovers();
        long pid = ProcessHandle.current().pid();
        String tag = "qc" + (pid % 1_000_000) + (char) ('a' + RUNS.getAndIncrement() % 26);
        NamespaceNetwork net = new NamespaceNetwork(tag, freeSubnet(pid));
        try {
            net.setUp();
            return net;
        } catch (RuntimeException e) {
            net.close();
            throw e;
        }
    }

    /** True when this machine lets us create namespaces and nftables tables (root, iproute2, nft). */
    public static boolean available() {
        if (!Shell.isRoot() || !Shell.run("nft", "--version").ok()) {
            return false;
        }
        String probe = "qcprobe" + ProcessHandle.current().pid();
        boolean ok = Shell.run("ip", "netns", "add", probe).ok()
                && Shell.run("ip", "netns", "exec", probe, "nft", "add table inet probe").ok();
        Shell.run("ip", "netns", "del", probe);
        return ok;
    }

    private void setUp() {
        Shell.must("ip", "netns", "add", fabric);
        Shell.must("ip", "-n", fabric, "link", "set", "lo", "up");
        Shell.must("ip", "-n", fabric, "link", "add", "br0", "type", "bridge");
        Shell.must("ip", "-n", fabric, "link", "set", "br0", "up");
        String host = tag + "h";
        Shell.must("ip", "link", "add", host, "type", "veth", "peer", "name", "host", "netns", fabric);
        Shell.must("ip", "-n", fabric, "link", "set", "host", "master", "br0", "up");
        Shell.must("ip", "addr", "add", subnet + ".254/24", "dev", host);
        Shell.must("ip", "link", "set", host, "up");
    }

    @Override
    public synchronized Place attach(int slot) {
        String ns = namespaces.get(slot);
        if (ns == null) {
            ns = tag + "-s" + slot;
            Shell.must("ip", "netns", "add", ns);
            namespaces.put(slot, ns);
            Shell.must("ip", "-n", ns, "link", "set", "lo", "up");
            Shell.must("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "s" + slot,
                    "netns", fabric);
            Shell.must("ip", "-n", fabric, "link", "set", "s" + slot, "master", "br0", "up");
            Shell.must("ip", "-n", ns, "addr", "add", address(slot) + "/24", "dev", "eth0");
            Shell.must("ip", "-n", ns, "link", "set", "eth0", "up");
            Shell.must("ip", "netns", "exec", ns, "nft", "add table inet " + TABLE);
            Shell.must("ip", "netns", "exec", ns, "nft",
                    "add chain inet " + TABLE + " input { type filter hook input priority 0 ; policy accept ; }");
        }
        return new Place(slot, address(slot), API_PORT, RAFT_PORT, List.of("ip", "netns", "exec", ns));
    }

    private String address(int slot) {
        if (slot < 1 || slot > 250) {
            throw new IllegalArgumentException("slot " + slot + " out of 1..250");
        }
        return subnet + "." + slot;
    }

    /** Creates an empty network namespace for a container; answers its path, for CNI_NETNS. */
    public synchronized String containerNamespace(String name) {
        String ns = tag + "-" + name;
        Shell.must("ip", "netns", "add", ns);
        containers.add(ns);
        return "/run/netns/" + ns;
    }

    /** Deletes a container's namespace (and with it the container end of its veth). */
    public synchronized void deleteContainerNamespace(String path) {
        String ns = path.substring(path.lastIndexOf('/') + 1);
        Shell.run("ip", "netns", "del", ns);
        containers.remove(ns);
    }

    @Override
    public boolean canPartition() {
        return true;
    }

    /**
     * All the rules go in at once: one nftables transaction per namespace, the namespaces in parallel, so that the
     * partition starts at one moment rather than link by link over a second.
     */
    @Override
    public synchronized void cut(Collection<Integer> side, Collection<Integer> other) {
        Map<Integer, StringBuilder> scripts = new TreeMap<>();
        for (int a : side) {
            for (int b : other) {
                scripts.computeIfAbsent(a, k -> new StringBuilder()).append(dropRule(b));
                scripts.computeIfAbsent(b, k -> new StringBuilder()).append(dropRule(a));
            }
        }
        Map<Integer, String> commands = new TreeMap<>();
        scripts.forEach((slot, script) -> commands.put(slot, script.toString()));
        inParallel(commands);
    }

    private String dropRule(int from) {
        return "add rule inet " + TABLE + " input ip saddr " + address(from) + " drop\n";
    }

    @Override
    public synchronized void healAll() {
        Map<Integer, String> commands = new TreeMap<>();
        namespaces.keySet().forEach(slot -> commands.put(slot, "flush chain inet " + TABLE + " input\n"));
        inParallel(commands);
    }

    /** Runs one nft script per slot, in that slot's namespace, all at the same time. */
    private void inParallel(Map<Integer, String> scripts) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        scripts.forEach((slot, script) -> {
            String ns = namespaces.get(slot);
            if (ns == null) {
                throw new IllegalStateException("slot " + slot + " has no namespace");
            }
            Thread t = new Thread(() -> {
                try {
                    nft(ns, script);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "chaos-nft-" + slot);
            t.start();
            threads.add(t);
        });
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while applying nftables rules", e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static void nft(String ns, String script) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("qnf-chaos-nft-", ".nft");
            try {
                java.nio.file.Files.writeString(file, script);
                Shell.must("ip", "netns", "exec", ns, "nft", "-f", file.toString());
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The drop rules in force, per slot, for logs. */
    public synchronized String rules() {
        StringBuilder b = new StringBuilder();
        namespaces.forEach((slot, ns) -> b.append(slot).append(": ")
                .append(Shell.run("ip", "netns", "exec", ns, "nft", "list chain inet " + TABLE + " input").output()
                        .lines().filter(l -> l.contains("drop")).map(String::strip).toList())
                .append('\n'));
        return b.toString();
    }

    @Override
    public String describe() {
        return "namespaces " + tag + "-*, subnet " + subnet + ".0/24";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String ns : containers) {
            Shell.run("ip", "netns", "del", ns);
        }
        for (String ns : namespaces.values()) {
            Shell.run("ip", "netns", "del", ns);
        }
        Shell.run("ip", "netns", "del", fabric);
        Shell.run("ip", "link", "del", tag + "h");
    }

    /** Deletes the namespaces and links of runs whose process is gone. */
    static void removeLeftovers() {
        List<String> names = new ArrayList<>();
        Shell.run("ip", "netns", "list").output().lines().forEach(l -> names.add(l.split(" ")[0]));
        Shell.run("ip", "-o", "link", "show").output().lines().forEach(l -> {
            String[] parts = l.split(":\\s+");
            if (parts.length > 1) {
                names.add(parts[1].split("@")[0]);
            }
        });
        for (String name : names) {
            Matcher m = OURS.matcher(name);
            if (!m.matches() || alive(Long.parseLong(m.group(1)))) {
                continue;
            }
            if (name.endsWith("h")) {
                Shell.run("ip", "link", "del", name);
            } else {
                Shell.run("ip", "netns", "del", name);
            }
        }
    }

    private static boolean alive(long pidMod) {
        // The tag keeps the pid modulo 10^6; pids are below 4.2 million, so check every candidate.
        for (long pid = pidMod; pid < 4_200_000; pid += 1_000_000) {
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return true;
            }
        }
        return false;
    }

    private static String freeSubnet(long pid) {
        String used = Shell.run("ip", "-4", "-o", "addr", "show").output();
        for (int i = 0; i < 500; i++) {
            int third = (int) ((pid + i) % 500);
            String candidate = "198." + (18 + third / 250) + "." + (third % 250 + 1);
            if (!used.contains(" " + candidate + ".")) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free /24 in 198.18.0.0/15");
    }
}
