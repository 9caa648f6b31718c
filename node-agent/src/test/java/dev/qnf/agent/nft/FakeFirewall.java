package dev.qnf.agent.nft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@link Firewall} in memory, for unit tests of the agent's reconcile logic: it keeps every state it was given and
 * can be told to refuse the next call, as the kernel might.
 */
public final class FakeFirewall implements Firewall {
    private final List<Ruleset> history = new ArrayList<>();
    private Ruleset applied;
    private int adoptions;
    private RuntimeException nextFailure;

    @Override
    public synchronized List<String> adopt(Ruleset desired) {
        failIfAsked();
        adoptions++;
        record(desired);
        return List.of();
    }

    @Override
    public synchronized void apply(Ruleset desired) {
        failIfAsked();
        if (applied == null) {
            adoptions++;
        }
        if (!desired.equals(applied)) {
            record(desired);
        }
    }

    @Override
    public synchronized Ruleset applied() {
        return applied;
    }

    /** Packets are not simulated: no counter ever moves. */
    @Override
    public synchronized Map<String, Long> counters() {
        return Map.of();
    }

    @Override
    public synchronized void removeAll() {
        failIfAsked();
        applied = null;
    }

    /** Every distinct state applied or adopted, in order. */
    public synchronized List<Ruleset> history() {
        return List.copyOf(history);
    }

    public synchronized int adoptions() {
        return adoptions;
    }

    /** The next call throws {@code failure} and changes nothing, like a refused transaction. */
    public synchronized void failNext(RuntimeException failure) {
        nextFailure = failure;
    }

    private void record(Ruleset desired) {
        applied = desired;
        history.add(desired);
    }

    private void failIfAsked() {
        RuntimeException f = nextFailure;
        nextFailure = null;
        if (f != null) {
            throw f;
        }
    }
}
