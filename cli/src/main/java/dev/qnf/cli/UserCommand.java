package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code qnf user}: people, who are their certificates ({@code spiffe://<cluster>/user/<name>}, issued from the CA);
 * what the cluster keeps about them is whether they are revoked.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "People's certificates (admin).",
        subcommands = {UserCommand.Revoke.class, UserCommand.Unrevoke.class})
final class UserCommand {

    @Command(name = "revoke", description = {"Revoke a user's certificates cluster-wide (admin): every server refuses "
            + "its requests, on open connections and watches too, and renews none of them.",
            "You cannot revoke the user you are calling as: do it as another admin."})
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0") String name;
        @Option(names = "--serial", description = "serial of the certificate being revoked (recorded only)")
        String serial;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                var r = client.revokeUser(name, serial);
                out().line(RevocationLines.revoked("user", name, r.created(), r.value().time()));
            }
            return 0;
        }
    }

    @Command(name = "unrevoke", description = {"Lift a user's revocation (admin): certificates issued from now on are "
            + "accepted again, the older ones stay refused, so the person needs a newly issued certificate.",
            "Idempotent; an error if the user was never revoked."})
    static final class Unrevoke extends ClientCommand {
        @Parameters(index = "0") String name;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                var r = client.unrevokeUser(name);
                out().line(RevocationLines.unrevoked("user", name, r.time(), r.lifted()));
            }
            return 0;
        }
    }
}
