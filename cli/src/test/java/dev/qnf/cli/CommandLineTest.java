package dev.qnf.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** The command tree builds (no clashing options) and every command documents itself. */
class CommandLineTest {

    @Test
    void everyCommandHasHelp() {
        CommandLine root = new CommandLine(new Qnf());
        assertThat(root.getSubcommands()).containsKeys("server", "dev", "cluster", "network", "ipam", "node", "watch",
                "agent", "cni");
        walk(root);
    }

    private static void walk(CommandLine cmd) {
        StringWriter out = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.usage(new PrintWriter(out));
        assertThat(out.toString()).as(cmd.getCommandName()).contains("Usage:");
        cmd.getSubcommands().values().forEach(CommandLineTest::walk);
    }

    @Test
    void badInputIsAClearErrorWithoutAStackTrace() {
        assertThat(Qnf.run("dev", "--nodes", "2")).isEqualTo(2);
        assertThat(Qnf.run("server", "--id", "n1", "--data", "/tmp/x", "--raft", "127.0.0.1:1", "--api", "127.0.0.1:2",
                "--peers", "n1")).isEqualTo(2);
    }

    @Test
    void peersParse() {
        assertThat(ServerCommand.parsePeers("n1=127.0.0.1:1, n2=h:2")).containsEntry("n1", "127.0.0.1:1")
                .containsEntry("n2", "h:2");
    }
}
