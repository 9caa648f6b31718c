package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.client.Written;
import dev.qnf.api.json.CaView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code qnf ca}: the cluster CA's status, its rotation and the old CA's retirement (docs/operations.md). */
@Command(name = "ca", mixinStandardHelpOptions = true, description = "The cluster CA: status, rotation.",
        subcommands = {CaCommand.Status.class, CaCommand.Rotate.class, CaCommand.RetireOld.class})
final class CaCommand {

    /** The bundle as a table, then signer and rotation lines (or the document as JSON/YAML). */
    static void print(Output out, CaView ca) {
        out.print(ca, ca.bundle(),
                Output.Column.of("PIN", CaView.CaCertView::pin),
                Output.Column.of("NOT AFTER", CaView.CaCertView::notAfter),
                Output.Column.of("SIGNS", c -> c.pin().equals(ca.signer()) ? "yes" : ""),
                Output.Column.of("SUBJECT", CaView.CaCertView::subject));
        if (out.format() == Output.Format.table) {
            out.line("signer: " + ca.signer());
            if (ca.rotatedAt() == null) {
                out.line("never rotated");
            } else if (ca.retiredAt() == null) {
                out.line("rotated " + ca.rotatedAt() + "; the old CA is still trusted, retirable from "
                        + ca.retirableAt() + " (qnf ca retire-old)");
            } else {
                out.line("rotated " + ca.rotatedAt() + "; the old CA retired " + ca.retiredAt());
            }
        }
    }

    @Command(name = "status", description = "The CAs every holder trusts, the one that signs, the last rotation.")
    static final class Status extends ClientCommand {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                print(out(), client.caStatus());
            }
            return 0;
        }
    }

    @Command(name = "rotate", description = {"Start a CA rotation: a new CA, cross-signed by the current one, signs "
            + "from now on; both are trusted until the old one is retired.",
            "Every server installs it within seconds and reissues its own certificate; every holder gets the new "
            + "trust bundle at its next renewal (at most 12 h). Nothing needs a restart and no connection breaks."})
    static final class Rotate extends ClientCommand {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                Written<CaView> rotated = client.rotateCa();
                if (out().format() == Output.Format.table) {
                    out().line("rotated the cluster CA: new signer " + rotated.value().signer());
                }
                print(out(), rotated.value());
            }
            return 0;
        }
    }

    @Command(name = "retire-old", description = {"Stop trusting the CA the last rotation replaced.",
            "Refused until 25 h after the rotation (every certificate the old CA issued has expired by then) "
            + "unless --force."})
    static final class RetireOld extends ClientCommand {
        @Option(names = "--force", description = "retire now: certificates of the old CA that were not renewed "
                + "since the rotation are refused from now on")
        boolean force;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                CaView ca = client.retireOldCa(force);
                if (out().format() == Output.Format.table) {
                    out().line("the old CA is retired: only " + ca.signer() + " is trusted");
                }
                print(out(), ca);
            }
            return 0;
        }
    }
}
