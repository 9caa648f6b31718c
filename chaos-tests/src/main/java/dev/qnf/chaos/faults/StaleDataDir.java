package dev.qnf.chaos.faults;

import dev.qnf.api.client.QnfClient;
import dev.qnf.chaos.harness.ChaosCluster;
import dev.qnf.chaos.harness.ServerProcess;
import dev.qnf.chaos.harness.Shell;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A server restarted from a data directory copied earlier (a restored backup, a VM snapshot rolled back): at
 * inject a follower is paused, its directory copied (a crash-consistent copy) and the follower resumed; the load
 * goes on; at heal it is killed, its directory replaced by the old copy, and started. It must refuse to start
 * (exit code 3, see {@code StaleDataDirectoryException}) or be re-synced by the leader, and never answer
 * linearizable reads from the old state: a read probe then reads through it alone. When it refuses, heal does
 * what docs/operations.md tells an operator: remove the member, empty its data directory, add it again.
 */
public final class StaleDataDir implements Fault {
    /** The exit code of {@code qnf server} refusing a rolled-back data directory. */
    public static final int REFUSED = 3;

    private ServerProcess target;
    private Path backup;

    @Override
    public String name() {
        return "stale-data-dir";
    }

    @Override
    public String inject(FaultContext ctx) throws InterruptedException {
        target = ctx.pick(ctx.followers(ctx.leader()), 1).get(0);
        backup = target.dataDir().resolveSibling("data.backup");
        Shell.run("rm", "-rf", backup.toString());
        target.pause();
        try {
            Shell.must("cp", "-a", target.dataDir().toString(), backup.toString());
        } finally {
            target.resume();
        }
        return target.id() + " (copied, runs on)";
    }

    @Override
    public void heal(FaultContext ctx) throws Exception {
        ChaosCluster cluster = ctx.cluster();
        target.kill();
        Shell.must("rm", "-rf", target.dataDir().toString());
        Shell.must("mv", backup.toString(), target.dataDir().toString());
        long revision = leaderRevision(ctx);
        cluster.restart(target);
        ctx.readProbe().accept(target);
        long deadline = System.nanoTime() + ctx.readyTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (!target.running()) {
                if (target.exitCode() != REFUSED) {
                    throw new IllegalStateException(target.id() + " exited with " + target.exitCode()
                            + " instead of refusing (3) or catching up; see " + target.log());
                }
                ctx.log().accept(target.id() + " refused its old data directory; removing it, emptying it, adding it"
                        + " back");
                readd(ctx);
                return;
            }
            if (cluster.ready(target) && revisionOf(cluster, target) >= revision) {
                ctx.log().accept(target.id() + " was caught up from its old data directory");
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(target.id() + " neither refused its old data directory nor caught up");
    }

    private void readd(FaultContext ctx) throws Exception {
        ChaosCluster cluster = ctx.cluster();
        List<ServerProcess> others = cluster.members().stream().filter(s -> s != target).toList();
        QnfClient client = ChaosCluster.clientOf(others, Duration.ofSeconds(30));
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                client.removeMember(target.id());
                last = null;
                break;
            } catch (RuntimeException e) {
                if (e instanceof dev.qnf.api.client.QnfApiException api && api.httpStatus() == 404) {
                    last = null; // already removed by an earlier attempt whose answer was lost
                    break;
                }
                last = e;
                Thread.sleep(1000);
            }
        }
        if (last != null) {
            throw last;
        }
        // As docs/operations.md says: empty the directory but keep pki/, the server's identity and the cluster CA.
        try (var entries = Files.list(target.dataDir())) {
            for (var entry : entries.filter(e -> !e.getFileName().toString().equals("pki")).toList()) {
                Shell.must("rm", "-rf", entry.toString());
            }
        }
        cluster.rejoin(target, ctx.pick(others.stream().filter(ServerProcess::running).toList(), 1).get(0));
        ctx.readProbe().accept(target);
    }

    private static long leaderRevision(FaultContext ctx) throws InterruptedException {
        ServerProcess leader = ctx.leader();
        return revisionOf(ctx.cluster(), leader);
    }

    private static long revisionOf(ChaosCluster cluster, ServerProcess s) {
        try {
            return cluster.client(s).stateHash().revision();
        } catch (RuntimeException e) {
            return -1;
        }
    }
}
