package dev.qnf.chaos.harness;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.ClusterView;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import dev.qnf.api.pki.ClusterPki;
import dev.qnf.api.pki.ReloadingIdentity;
import dev.qnf.api.pki.Role;
import dev.qnf.api.pki.Tls;
import dev.qnf.api.pki.TlsFiles;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A cluster of {@code qnf server} processes on a {@link ServerNetwork}: which servers exist, which are Raft
 * members, a client per server, and the clean-up of everything (processes, then the network) on {@link #close()}
 * or, if the JVM exits first, from a shutdown hook.
 */
public final class ChaosCluster implements AutoCloseable {
    /** Client-side bound on one request: the servers answer 503 after 5 s, so 6 s sees that answer. */
    public static final Duration OP_TIMEOUT = Duration.ofSeconds(6);

    private final Path dir;
    private final ServerNetwork network;
    private final Consumer<String> log;
    private final String initialPeers;
    private final Map<String, ServerProcess> servers = new ConcurrentHashMap<>();
    /** The current voting members, in slot order. */
    private final List<ServerProcess> members = new CopyOnWriteArrayList<>();
    /** Servers that joined with --join (restarted the same way). */
    private final Map<String, String> joinedThrough = new ConcurrentHashMap<>();
    private final Map<String, QnfClient> clients = new ConcurrentHashMap<>();
    /** The cluster CA (every server gets a copy in its data dir) and the admin identity of the harness's clients. */
    private final ClusterPki pki;
    private final TlsFiles admin;
    private final HttpClient http;
    private final Thread hook;
    private final List<Runnable> beforeClose = new CopyOnWriteArrayList<>();
    private int nextSlot;
    private volatile boolean closed;

    private ChaosCluster(Path dir, ServerNetwork network, int size, Consumer<String> log) {
        this.dir = dir;
        this.network = network;
        this.log = log;
        this.pki = ClusterPki.create(dir.resolve("ca"), "chaos.qnf");
        this.admin = pki.issueUser("chaos", Role.ADMIN, dir.resolve("admin"));
        this.http = https(admin);
        List<ServerProcess> initial = new ArrayList<>();
        for (int slot = 1; slot <= size; slot++) {
            initial.add(newServer(slot));
        }
        this.nextSlot = size + 1;
        this.initialPeers = initial.stream().map(s -> s.id() + "=" + s.raftAddress()).collect(Collectors.joining(","));
        members.addAll(initial);
        this.hook = new Thread(this::close, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts {@code size} servers as one Raft group and waits until each is ready. */
    public static ChaosCluster start(Path dir, ServerNetwork network, int size, Duration readyTimeout,
                                     Consumer<String> log) throws IOException, InterruptedException {
        ChaosCluster c = new ChaosCluster(dir, network, size, log);
        try {
            for (ServerProcess s : c.members) {
                s.start(c.initialPeers, null);
            }
            c.awaitReady(c.members, readyTimeout);
            return c;
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private ServerProcess newServer(int slot) {
        ServerNetwork.Place place = network.attach(slot);
        ServerProcess s = new ServerProcess("s" + slot, place, dir.resolve("s" + slot).resolve("data"), admin);
        pki.copyTo(s.dataDir().resolve("pki").resolve("ca"));   // the server issues its own certificate from it
        servers.put(s.id(), s);
        return s;
    }

    /** An HTTP client presenting {@code identity} (mTLS). */
    public static HttpClient https(TlsFiles identity) {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1))
                .sslContext(Tls.clientContext(ReloadingIdentity.of(identity))).sslParameters(Tls.clientParameters())
                .build();
    }

    public ClusterPki pki() {
        return pki;
    }

    public TlsFiles admin() {
        return admin;
    }

    public ServerNetwork network() {
        return network;
    }

    public Path dir() {
        return dir;
    }

    /** The current Raft members. */
    public List<ServerProcess> members() {
        return List.copyOf(members);
    }

    public ServerProcess server(String id) {
        ServerProcess s = servers.get(id);
        if (s == null) {
            throw new IllegalArgumentException("no server " + id);
        }
        return s;
    }

    /** Members that run and are not paused: those a request can reach. */
    public List<ServerProcess> reachable() {
        return members.stream().filter(s -> s.running() && !s.paused()).toList();
    }

    /** A client of this one server (no failover), with {@link #OP_TIMEOUT}. */
    public QnfClient client(ServerProcess s) {
        return clients.computeIfAbsent(s.id(), id -> QnfClient.connect(List.of(s.apiUrl()), OP_TIMEOUT, admin));
    }

    /** A failover client over the given servers, in this order. */
    public static QnfClient clientOf(List<ServerProcess> servers, Duration timeout) {
        return QnfClient.connect(servers.stream().map(ServerProcess::apiUrl).toList(), timeout,
                servers.get(0).admin());
    }

    public List<URI> memberUrls() {
        return members.stream().map(ServerProcess::apiUrl).toList();
    }

    /** Starts a member that is down, from its data directory. */
    public void restart(ServerProcess s) throws IOException {
        String join = joinedThrough.get(s.id());
        s.start(join == null ? initialPeers : null, join);
        log.accept("started " + s);
    }

    /** Starts a new server that joins through {@code via}; it becomes a member once the cluster added it. */
    public ServerProcess join(ServerProcess via) throws IOException {
        ServerProcess s;
        synchronized (this) {
            s = newServer(nextSlot++);
        }
        String url = via.apiUrl().toString();
        joinedThrough.put(s.id(), url);
        s.start(null, url);
        members.add(s);
        log.accept("joining " + s + " through " + via.id());
        return s;
    }

    /** Starts {@code s} again, from whatever its data directory holds, asking {@code via} to add it to the group. */
    public void rejoin(ServerProcess s, ServerProcess via) throws IOException {
        String url = via.apiUrl().toString();
        joinedThrough.put(s.id(), url);
        s.start(null, url);
        log.accept("rejoining " + s + " through " + via.id());
    }

    /** Forgets {@code s} as a member (after the cluster removed it). */
    public void dropMember(ServerProcess s) {
        members.remove(s);
    }

    /** The leader with the highest term any reachable member reports, with that term. */
    public Optional<LeaderView> leader() {
        LeaderView best = null;
        for (ServerProcess s : reachable()) {
            Optional<ClusterView> v = view(s);
            if (v.isPresent() && v.get().leader() != null && (best == null || v.get().term() > best.term())) {
                best = new LeaderView(v.get().leader(), v.get().term());
            }
        }
        return Optional.ofNullable(best);
    }

    /** A leader and the term in which it leads. */
    public record LeaderView(String id, long term) {
    }

    /** Waits for a leader that a majority of the reachable members agree on. */
    public LeaderView awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Long> votes = new ConcurrentHashMap<>();
            LeaderView top = null;
            for (ServerProcess s : reachable()) {
                Optional<ClusterView> v = view(s);
                if (v.isPresent() && v.get().leader() != null) {
                    votes.merge(v.get().leader(), 1L, Long::sum);
                    if (top == null || v.get().term() > top.term()) {
                        top = new LeaderView(v.get().leader(), v.get().term());
                    }
                }
            }
            if (top != null && votes.getOrDefault(top.id(), 0L) > members.size() / 2
                    && servers.containsKey(top.id()) && server(top.id()).running()) {
                return top;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no leader agreed by a majority within " + timeout.toSeconds() + " s");
    }

    /** This server's own view of the cluster, if it answers within a second. */
    public Optional<ClusterView> view(ServerProcess s) {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(s.apiUrl().resolve("/v1/cluster"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(dev.qnf.api.json.Json.lenient().readValue(r.body(), ClusterView.class));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** True when {@code /readyz} of this server answers 200. */
    public boolean ready(ServerProcess s) {
        try {
            return http.send(HttpRequest.newBuilder(s.apiUrl().resolve("/readyz")).timeout(Duration.ofSeconds(2))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until every one of {@code which} runs and answers {@code /readyz} with 200. */
    public void awaitReady(Collection<ServerProcess> which, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ServerProcess s : which) {
            while (!ready(s)) {
                if (!s.running()) {
                    throw new IllegalStateException(s.id() + " exited; see " + s.log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(s.id() + " not ready after " + timeout.toSeconds() + " s; see "
                            + s.log());
                }
                Thread.sleep(200);
            }
        }
    }

    /** Undoes every fault still in force: network rules healed, paused servers resumed, down members started. */
    public void healEverything() throws IOException {
        network.healAll();
        for (ServerProcess s : members) {
            if (s.paused()) {
                s.resume();
            }
            if (!s.running()) {
                restart(s);
            }
        }
    }

    /** Runs {@code action} first when the cluster closes (e.g. stopping an agent that uses it). */
    public void onClose(Runnable action) {
        beforeClose.add(action);
    }

    /** Kills every server, then removes the network. Idempotent; also runs from a shutdown hook. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        for (Runnable r : beforeClose) {
            try {
                r.run();
            } catch (RuntimeException e) {
                log.accept("clean-up step failed: " + e);
            }
        }
        for (ServerProcess s : servers.values()) {
            try {
                s.kill();
            } catch (RuntimeException e) {
                log.accept("could not kill " + s.id() + ": " + e);
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            log.accept("could not remove the network: " + e);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // called from the hook itself
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
