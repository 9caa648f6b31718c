package dev.qnf.chaos.harness;

import java.util.Collection;
import java.util.List;

/**
 * Where the servers of a chaos cluster live on the network, and how the network between them is cut. The test
 * client always reaches every server; only server-to-server traffic is ever dropped.
 */
public sealed interface ServerNetwork extends AutoCloseable permits NamespaceNetwork, LoopbackNetwork {

    /** The address of one server slot and the command prefix that runs a process there. */
    record Place(int slot, String host, int apiPort, int raftPort, List<String> commandPrefix) {
        public String apiAddress() {
            return host + ":" + apiPort;
        }

        public String raftAddress() {
            return host + ":" + raftPort;
        }
    }

    /** Prepares slot {@code slot} (1-based): namespace, link and address where there are any. Idempotent. */
    Place attach(int slot);

    /** True when {@link #cut} works. */
    boolean canPartition();

    /** Drops every packet between the servers of {@code side} and those of {@code other}, both ways. */
    void cut(Collection<Integer> side, Collection<Integer> other);

    /** Removes every drop rule. */
    void healAll();

    /** A description for logs, e.g. the subnet. */
    String describe();

    /** Removes everything this network created; safe to call twice. */
    @Override
    void close();
}
