package dev.qnf.chaos;

import dev.qnf.chaos.faults.Schedule;
import dev.qnf.chaos.harness.NamespaceNetwork;
import dev.qnf.chaos.report.Report;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code qnf chaos}: a chaos run from the command line. The {@code qnf} launcher runs this class for
 * {@code qnf chaos ...} (the cli module cannot depend on this one, which depends on it). The soak mode is a random
 * schedule for {@code --duration}; {@code --schedule ci-3|ci-5} replays a CI schedule.
 */
@Command(name = "qnf chaos", mixinStandardHelpOptions = true, version = "qnf chaos 0.1.0",
        description = "Inject faults into a cluster of qnf server processes under load and check the invariants.")
public final class ChaosMain implements Callable<Integer> {
    @Option(names = "--seed", description = "seed of every random choice (default: from the clock, printed)")
    Long seed;

    @Option(names = "--duration", defaultValue = "10m",
            description = "how long to inject faults, e.g. 90s, 15m, 2h (random schedule; default ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--servers", defaultValue = "3", description = "3 or 5 (random schedule)")
    int servers;

    @Option(names = "--schedule", defaultValue = "random", description = "random, ci-3 or ci-5")
    String schedule;

    @Option(names = "--dir", description = "data and logs (default: a new directory under /tmp)")
    Path dir;

    @Option(names = "--no-namespaces", description = "run on loopback without partitions (no root needed)")
    boolean noNamespaces;

    @Option(names = "--workers", defaultValue = "5", description = "concurrent clients")
    int workers;

    @Option(names = "--no-agent", description = "no node agent running CNI traffic under the faults")
    boolean noAgent;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long s = seed == null ? System.currentTimeMillis() : seed;
        if (servers != 3 && servers != 5) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--servers must be 3 or 5");
        }
        boolean namespaces = !noNamespaces && NamespaceNetwork.available();
        if (!noNamespaces && !namespaces) {
            System.out.println("network namespaces unavailable (needs root, iproute2, nftables): no partitions");
        }
        Duration d = parse(duration);
        Schedule plan = switch (schedule) {
            case "ci-3" -> Schedule.ciThree();
            case "ci-5" -> Schedule.ciFive();
            case "random" -> Schedule.random(s, servers, namespaces, 100_000);
            default -> throw new CommandLine.ParameterException(new CommandLine(this),
                    "--schedule must be random, ci-3 or ci-5");
        };
        Path where = dir != null ? dir : Files.createTempDirectory("qnf-chaos-");
        if (Files.isDirectory(where)) {
            try (var entries = Files.list(where)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(new CommandLine(this),
                            "--dir " + where + " is not empty: a run starts fresh servers in an empty directory");
                }
            }
        }
        ChaosConfig config = new ChaosConfig(plan, s, where, namespaces, workers,
                schedule.equals("random") ? d : null, ChaosConfig.DEFAULT_WRITABLE_BOUND, namespaces && !noAgent
                && !schedule.equals("ci-3"));
        Report report = new ChaosRun(config, System.out).run();
        report.print(System.out, replay(config));
        return report.passed() ? 0 : 1;
    }

    /** The command line that replays a run. */
    public static String replay(ChaosConfig c) {
        String schedule = c.schedule().name().startsWith("random") ? "random --servers " + c.schedule().servers()
                + " --duration " + (c.duration() == null ? "10m" : c.duration().toSeconds() + "s") : c.schedule().name();
        return "qnf chaos --seed " + c.seed() + " --schedule " + schedule + (c.namespaces() ? "" : " --no-namespaces")
                + (c.agent() || !c.namespaces() || c.schedule().name().equals("ci-3") ? "" : " --no-agent");
    }

    static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        long n = Long.parseLong(t.replaceAll("[a-z]+$", ""));
        return switch (t.replaceAll("^[0-9]+", "")) {
            case "s", "" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("duration '" + text + "' is not like 90s, 15m or 2h");
        };
    }
}
