package dev.qnf.cli;

import dev.qnf.api.client.QnfClient;
import dev.qnf.api.json.TokenCreated;
import dev.qnf.api.json.TokenList;
import dev.qnf.api.json.TokenRequest;
import dev.qnf.api.json.TokenView;
import dev.qnf.fabric.InvalidInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code qnf token}: join tokens (admin). */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Join tokens for new nodes and servers.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListCmd.class, TokenCommand.Delete.class})
final class TokenCommand {
    private static final Pattern TTL = Pattern.compile("(\\d+)([smhd])");

    /** {@code 90s}, {@code 30m}, {@code 1h}, {@code 7d}. */
    static long ttlSeconds(String text) {
        Matcher m = TTL.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new InvalidInputException("--ttl wants a number and s, m, h or d, e.g. 1h, not '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> n;
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n * 86400;
        };
    }

    abstract static class Base extends ClientCommand {
    }

    @Command(name = "create", description = "Make a join token; its secret is printed this once.")
    static final class Create extends Base {
        @Option(names = "--ttl", defaultValue = "1h", description = "validity, e.g. 30m, 1h, 7d (default: ${DEFAULT-VALUE})")
        String ttl;
        @Option(names = "--uses", defaultValue = "1", description = "how many joins (default: ${DEFAULT-VALUE})")
        int uses;
        @Option(names = "--role", defaultValue = "node", description = "node or server (default: ${DEFAULT-VALUE})")
        String role;
        @Option(names = "--site", description = "the joining node's site")
        String site;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                TokenCreated t = client.createToken(new TokenRequest(ttlSeconds(ttl), uses, role, site));
                out().line("qnf join token: " + t.token() + "  ca-hash: " + t.caHash());
                out().line("expires " + Instant.ofEpochMilli(t.stored().expiresAtMillis()) + ", " + t.stored().usesLeft()
                        + " use(s), role " + t.stored().role());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "List join tokens (ids only, never secrets).")
    static final class ListCmd extends Base {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                TokenList list = client.listTokens();
                out().print(list, list.tokens(),
                        Output.Column.of("ID", TokenView::id),
                        Output.Column.of("ROLE", TokenView::role),
                        Output.Column.of("SITE", v -> v.site() == null ? "" : v.site()),
                        Output.Column.of("EXPIRES", v -> Instant.ofEpochMilli(v.expiresAtMillis())),
                        Output.Column.of("USES LEFT", TokenView::usesLeft),
                        Output.Column.of("REDEEMED BY", v -> String.join(",", v.redeemedBy())));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Withdraw a join token.")
    static final class Delete extends Base {
        @Parameters(index = "0", paramLabel = "ID") String id;

        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                long revision = client.deleteToken(id).revision();
                out().line("deleted token " + id + " at revision " + revision);
            }
            return 0;
        }
    }
}
