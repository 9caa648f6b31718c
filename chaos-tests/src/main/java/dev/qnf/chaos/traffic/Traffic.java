package dev.qnf.chaos.traffic;

import dev.qnf.api.client.QnfClient;
import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ServerProcess;
import dev.qnf.chaos.history.Input;
import dev.qnf.chaos.history.Operation;
import dev.qnf.chaos.history.Outcome;
import dev.qnf.concurrent.DaemonThreads;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent clients, each sending one request at a time to a random member (down, paused and partitioned ones
 * included, as a real client would not know), recording every call:
 * <ul>
 *   <li>allocations of fresh endpoints in the allocation networks, retried on another server when the outcome is
 *   unknown and sometimes repeated on purpose after success; an endpoint is never allocated again once released;</li>
 *   <li>releases of endpoints the worker allocated;</li>
 *   <li>linearizable and stale lists of allocations;</li>
 *   <li>register operations on networks: create at a version, delete, read.</li>
 * </ul>
 * Plus a prober that writes every 250 ms through each member in turn, which measures when writes work again.
 * Every random choice comes from the run's seed.
 */
public final class Traffic {
    public static final List<String> ALLOC_NETWORKS = List.of("alloc-a", "alloc-b");
    public static final String PROBE_NETWORK = "probe";
    /** Live endpoints a worker keeps at most before it releases instead of allocating. */
    private static final int LIVE_CAP = 40;
    private static final int RETRIES = 3;

    private final ChaosCluster cluster;
    private final Calls calls;
    private final RegisterKeys registers;
    private final long seed;
    private final int workers;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();

    public Traffic(ChaosCluster cluster, Calls calls, RegisterKeys registers, long seed, int workers) {
        this.cluster = cluster;
        this.calls = calls;
        this.registers = registers;
        this.seed = seed;
        this.workers = workers;
    }

    public void start() {
        for (int i = 1; i <= workers; i++) {
            Worker w = new Worker("w" + i, new Random(seed * 1_000_003L + i));
            threads.add(DaemonThreads.thread("chaos-w" + i, w::run));
        }
        threads.add(DaemonThreads.thread("chaos-probe", new Prober(new Random(seed * 7_919L))::run));
        threads.forEach(Thread::start);
    }

    /** Stops every client and waits for the calls in flight. */
    public void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private ServerProcess randomMember(Random random, ServerProcess avoid) {
        List<ServerProcess> members = cluster.members();
        if (avoid != null && members.size() > 1) {
            members = members.stream().filter(s -> s != avoid).toList();
        }
        return members.get(random.nextInt(members.size()));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Worker {
        private final String name;
        private final Random random;
        /** Endpoints allocated (or maybe allocated) and not yet released: network/endpoint. */
        private final List<Input.Release> live = new ArrayList<>();
        private int counter;

        Worker(String name, Random random) {
            this.name = name;
            this.random = random;
        }

        void run() {
            while (!stop.get() && !Thread.currentThread().isInterrupted()) {
                double r = random.nextDouble();
                if (r < 0.40) {
                    if (live.size() >= LIVE_CAP) {
                        release();
                    } else {
                        allocate();
                    }
                } else if (r < 0.55) {
                    release();
                } else if (r < 0.67) {
                    list(false);
                } else if (r < 0.70) {
                    list(true);
                } else {
                    register();
                }
                pause(20 + random.nextInt(40));
            }
        }

        void allocate() {
            String network = ALLOC_NETWORKS.get(random.nextInt(ALLOC_NETWORKS.size()));
            Input.Alloc in = new Input.Alloc(network, name + "-" + (++counter), "node-" + random.nextInt(3));
            Operation op = retrying(server -> calls.allocate(name, server.id(), cluster.client(server), in));
            if (op.outcome() != Outcome.FAIL) {
                live.add(new Input.Release(network, in.endpoint()));
            }
            if (op.ok() && random.nextDouble() < 0.15) {
                // the same request again, as a client that missed the answer would send it
                ServerProcess server = randomMember(random, null);
                calls.allocate(name, server.id(), cluster.client(server), in);
            }
        }

        void release() {
            if (live.isEmpty()) {
                return;
            }
            Input.Release in = live.remove(random.nextInt(live.size()));
            retrying(server -> calls.release(name, server.id(), cluster.client(server), in));
        }

        void list(boolean stale) {
            ServerProcess server = randomMember(random, null);
            calls.list(name, server.id(), cluster.client(server),
                    ALLOC_NETWORKS.get(random.nextInt(ALLOC_NETWORKS.size())), stale);
        }

        void register() {
            String key = registers.pick(random);
            ServerProcess server = randomMember(random, null);
            QnfClient client = cluster.client(server);
            double r = random.nextDouble();
            if (r < 0.4) {
                calls.getNetwork(name, server.id(), client, new Input.NetKey(key));
            } else if (r < 0.8) {
                calls.createNetwork(name, server.id(), client, new Input.NetCreate(key, RegisterKeys.cidr(key), 1 + random.nextInt(3)));
            } else {
                calls.deleteNetwork(name, server.id(), client, new Input.NetKey(key));
            }
        }

        /** Sends, and while the outcome is unknown resends the same request to another member. */
        private Operation retrying(java.util.function.Function<ServerProcess, Operation> send) {
            ServerProcess server = randomMember(random, null);
            Operation op = send.apply(server);
            for (int i = 0; i < RETRIES && op.outcome() != Outcome.OK && isRetryable(op) && !stop.get(); i++) {
                pause(50 + random.nextInt(100));
                server = randomMember(random, server);
                op = send.apply(server);
            }
            return op;
        }

        private boolean isRetryable(Operation op) {
            return op.outcome() == Outcome.UNKNOWN || op.output() instanceof dev.qnf.chaos.history.Output.NoAnswer;
        }
    }

    /** Writes through each member in turn, releasing its previous endpoint, with a short timeout. */
    private final class Prober {
        private final Random random;
        private int counter;
        private int turn;

        Prober(Random random) {
            this.random = random;
        }

        void run() {
            Input.Release previous = null;
            while (!stop.get() && !Thread.currentThread().isInterrupted()) {
                List<ServerProcess> members = cluster.members();
                ServerProcess server = members.get(Math.floorMod(turn++, members.size()));
                QnfClient client = cluster.client(server);
                Input.Alloc in = new Input.Alloc(PROBE_NETWORK, "p-" + (++counter), "node-" + random.nextInt(3));
                Operation op = calls.allocate("probe", server.id(), client, in);
                if (op.ok()) {
                    if (previous != null) {
                        calls.release("probe", server.id(), client, previous);
                    }
                    previous = new Input.Release(PROBE_NETWORK, in.endpoint());
                }
                pause(250);
            }
        }
    }
}
