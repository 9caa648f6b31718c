package dev.qnf.agent.nft;

import java.util.List;
import java.util.Map;

/**
 * The node's QNF firewall and NAT, as the agent's reconcile logic sees them: desired states in, kernel changes
 * hidden. {@link NftFirewall} programs netfilter; tests of the reconcile logic use a fake.
 */
public interface Firewall {

    /**
     * Makes the QNF tables exactly {@code desired}, whatever they hold now, in one transaction: rewrites them and
     * deletes what no longer belongs (stale elements, chains, sets, tables). For agent start-up and the periodic
     * convergence pass. Tables that are not QNF's are never read beyond their names, nor changed.
     *
     * @return the stale objects deleted, for the log ("chain inet qnf net-old")
     */
    List<String> adopt(Ruleset desired);

    /**
     * Moves the QNF tables from the last applied state to {@code desired} in one transaction that touches only
     * what changed. If the kernel no longer matches the last applied state (someone edited QNF's tables), the
     * incremental change fails as a whole and this falls back to {@link #adopt}. Before the first adoption, adopts.
     *
     * @throws NftException if even adoption fails; the tables are then as they were before the call
     */
    void apply(Ruleset desired);

    /** The last state applied or adopted successfully; null before the first. */
    Ruleset applied();

    /**
     * The named counters of {@code inet qnf} (policy verdicts, see {@link PolicyPlan}): name → packets. Empty
     * before the table exists.
     */
    Map<String, Long> counters();

    /** Deletes the QNF tables (agent uninstall). Other tables are untouched. */
    void removeAll();
}
