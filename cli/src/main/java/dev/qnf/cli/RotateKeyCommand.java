package dev.qnf.cli;

import dev.qnf.mesh.key.NodeKeyFile;
import dev.qnf.mesh.key.WgKey;
import dev.qnf.mesh.key.X25519;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code qnf node rotate-key}: run on the node itself. Writes a new WireGuard private key into the agent's state dir;
 * the running agent sees it within its next mesh pass (2 s), sets it on its device and publishes the new public key
 * with an immediate heartbeat, and every other node swaps the peer. The private key never leaves this host.
 */
@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = "Rotate this node's WireGuard key (run on the node, next to its agent; no restart needed).")
final class RotateKeyCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "the agent's state dir (default: ${DEFAULT-VALUE})",
            defaultValue = "/var/lib/qnf/agent")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        NodeKeyFile file = NodeKeyFile.in(stateDir);
        if (!Files.exists(file.path())) {
            spec.commandLine().getErr().println("error: " + file.path() + " does not exist: is an agent with "
                    + "--wg-interface using --state-dir " + stateDir + "?");
            return 1;
        }
        WgKey key = file.rotate();
        spec.commandLine().getOut().println("new public key " + X25519.publicOf(key).base64()
                + " (the agent publishes it within seconds)");
        return 0;
    }
}
