package dev.qnf.cli;

import dev.qnf.api.client.QnfApiException;
import dev.qnf.consensus.StaleDataDirectoryException;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code qnf} command. */
@Command(name = "qnf", mixinStandardHelpOptions = true, version = "qnf 0.1.0",
        description = "QNF, the Quantum-Network Fabric: a zero-trust network manager for containers.",
        subcommands = {ServerCommand.class, DevCommand.class, ClusterCommand.class, NetworkCommand.class,
                IpamCommand.class, NodeCommand.class, WatchCommand.class, AgentCommand.class, CniCommand.class,
                PolicyCommand.class, EndpointCommand.class, MeshCommand.class, DemoCommand.class, AuditCommand.class,
                UserCommand.class, TokenCommand.class, CertCommand.class, CaCommand.class,
                dev.qnf.cli.bench.BenchCommand.class})
public final class Qnf {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code (tests call this rather than main). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Qnf());
        cli.setExecutionExceptionHandler(Qnf::handle);
        return cli.execute(args);
    }

    /** User-facing failures print one line, not a stack trace. */
    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof AgentCommand.RefusedException refused) {
            cmd.getErr().println("error: " + refused.getMessage());
            return 6;
        }
        if (e instanceof QnfApiException api) {
            cmd.getErr().println("error: " + api.code() + ": " + api.getMessage());
            return 1;
        }
        if (e instanceof StaleDataDirectoryException stale) {
            cmd.getErr().println("error: refusing to start: " + stale.getMessage());
            return 3;
        }
        if (e instanceof dev.qnf.api.pki.CaKeyException key) {
            cmd.getErr().println("error: cluster CA key: " + key.getMessage());
            return 4;
        }
        if (e instanceof ServerCommand.JoinFailedException failed) {
            cmd.getErr().println("error: " + failed.getMessage());
            return 5;
        }
        if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
            cmd.getErr().println("error: " + e.getMessage());
            return 2;
        }
        throw new RuntimeException(e);
    }
}
