package dev.qnf.agent.nft;

import com.fasterxml.jackson.databind.JsonNode;
import dev.qnf.agent.sys.NetNs;
import dev.qnf.concurrent.DaemonThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * {@link Firewall} over libnftables, in one network namespace (the host's, for the agent). Each call opens a
 * libnftables context on a thread inside the namespace, runs one script and closes it: changes are rare, a context
 * is cheap, and nothing can leak into another namespace.
 */
public final class NftFirewall implements Firewall {
    private static final Logger LOG = LoggerFactory.getLogger(NftFirewall.class);

    private final NetNs netns;
    private Ruleset applied;
    /** {@code applied} rendered, so that a change renders only the new state. */
    private Map<String, Layout.Table> appliedLayout;

    public NftFirewall(NetNs netns) {
        this.netns = netns;
    }

    @Override
    public synchronized List<String> adopt(Ruleset desired) {
        applied = null;
        Map<String, Layout.Table> wanted = RulesetCompiler.layout(desired);
        RulesetCompiler.Adoption adoption = session(nft -> {
            RulesetCompiler.Adoption a = RulesetCompiler.adopt(observe(nft), wanted);
            nft.run(a.script());
            return a;
        });
        applied = desired;
        appliedLayout = RulesetCompiler.persistent(wanted);
        if (!adoption.removed().isEmpty()) {
            LOG.info("nftables: adopted QNF tables, removed {}", adoption.removed());
        }
        return adoption.removed();
    }

    @Override
    public synchronized void apply(Ruleset desired) {
        if (applied == null) {
            adopt(desired);
            return;
        }
        Map<String, Layout.Table> before = appliedLayout != null ? appliedLayout : RulesetCompiler.layout(applied);
        // derived from the applied layout: what changed is rendered and diffed, not every endpoint's element
        Map<String, Layout.Table> after = RulesetCompiler.layout(desired, applied, before);
        String script = RulesetCompiler.diff(before, after);
        if (script.isEmpty()) {
            applied = desired;
            appliedLayout = after;
            return;
        }
        try {
            session(nft -> {
                nft.run(script);
                return null;
            });
            applied = desired;
            appliedLayout = after;
        } catch (NftException e) {
            LOG.warn("nftables: incremental change refused ({}); rewriting the QNF tables", e.errors().strip());
            adopt(desired);
        }
    }

    @Override
    public synchronized Ruleset applied() {
        return applied;
    }

    @Override
    public Map<String, Long> counters() {
        return session(nft -> {
            Map<String, Long> out = new TreeMap<>();
            boolean exists = false;
            for (JsonNode t : nft.list("tables").path("nftables")) {
                JsonNode table = t.path("table");
                exists |= (table.path("family").asText() + " " + table.path("name").asText()).equals(RulesetCompiler.FILTER);
            }
            if (exists) {
                for (JsonNode o : nft.list("counters table " + RulesetCompiler.FILTER).path("nftables")) {
                    JsonNode c = o.path("counter");
                    if (!c.isMissingNode()) {
                        out.put(c.path("name").asText(), c.path("packets").asLong());
                    }
                }
            }
            return out;
        });
    }

    @Override
    public synchronized void removeAll() {
        applied = null;
        session(nft -> {
            StringBuilder script = new StringBuilder();
            observe(nft).tables().forEach(t -> script.append("delete table ").append(t).append('\n'));
            if (script.length() > 0) {
                nft.run(script.toString());
            }
            return null;
        });
    }

    /** Lists the table names, then only QNF's own tables in full. */
    private static ObservedTables observe(Nftables nft) {
        List<JsonNode> listings = new ArrayList<>();
        for (JsonNode t : nft.list("tables").path("nftables")) {
            JsonNode table = t.path("table");
            String id = table.path("family").asText() + " " + table.path("name").asText();
            if (RulesetCompiler.TABLES.contains(id)) {
                listings.add(nft.list("table " + id));
            }
        }
        return ObservedTables.parse(listings.toArray(JsonNode[]::new));
    }

    /**
     * Closing a libnftables context closes its netlink socket, and the kernel holds that close until what the last
     * transactions replaced has been freed, after an RCU grace period: measured 7-20 ms on the 2-core machine after
     * a changed interval-map element (an element deleted and another added in one transaction), several times the
     * change itself. The transaction is committed, and in force, before {@code nft_run_cmd_from_buffer} returns, so
     * contexts are closed on this thread instead, off the caller's path (a CNI ADD, a watch event).
     */
    private static final ExecutorService CLOSER = Executors.newSingleThreadExecutor(DaemonThreads.named("nft-closer"));

    private <T> T session(Function<Nftables, T> work) {
        return netns.run(() -> {
            Nftables nft = Nftables.open();
            try {
                return work.apply(nft);
            } finally {
                CLOSER.execute(nft::close);
            }
        });
    }
}
