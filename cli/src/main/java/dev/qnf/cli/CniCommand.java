package dev.qnf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.cni.CniClient;
import dev.qnf.fabric.model.Names;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/** {@code qnf cni}: the CNI plugin's installation. */
@Command(name = "cni", mixinStandardHelpOptions = true, description = "The qnf CNI plugin.",
        subcommands = CniCommand.Install.class)
final class CniCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Writes the plugin ({@code <bin-dir>/qnf}, a launcher of the thin client jar with fast-start JVM flags and an
     * AppCDS archive made on the spot) and the network's conflist.
     */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Install the qnf CNI plugin and a network configuration list for one QNF network.",
                    "Writes <bin-dir>/qnf (launcher), <bin-dir>/qnf-cni.jar, <bin-dir>/qnf-cni.jsa (class-data archive) "
                            + "and <conf-dir>/<NN>-qnf-<network>.conflist."})
    static final class Install implements Callable<Integer> {
        static final String PLUGIN = "qnf";
        static final String JAR = "qnf-cni.jar";
        static final String ARCHIVE = "qnf-cni.jsa";
        /** Client JVM flags: C1 only, the serial collector, class data sharing, no perf-data file. */
        static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:-UsePerfData", "-Xss512k", "-Xmx64m");
        private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

        @Spec
        CommandSpec spec;

        @Option(names = "--bin-dir", paramLabel = "DIR", defaultValue = "/opt/cni/bin",
                description = "CNI plugin directory (default: ${DEFAULT-VALUE}; podman's CNI backend also searches /usr/lib/cni)")
        Path binDir;

        @Option(names = "--conf-dir", paramLabel = "DIR", defaultValue = "/etc/cni/net.d",
                description = "CNI configuration directory (default: ${DEFAULT-VALUE})")
        Path confDir;

        @Option(names = "--network", required = true, description = "the QNF network the configuration attaches to")
        String network;

        @Option(names = "--agent-socket", paramLabel = "PATH",
                description = "the agent's socket, written into the configuration (default: the plugin's, /run/qnf/agent.sock)")
        Path agentSocket;

        @Option(names = "--priority", paramLabel = "NN", defaultValue = "50",
                description = "file name prefix; runtimes that take the first file pick the lowest (default: ${DEFAULT-VALUE})")
        int priority;

        @Option(names = "--java", paramLabel = "PATH", description = "java for the plugin (default: this one)")
        Path java;

        @Option(names = "--no-cds", description = "do not make a class-data sharing archive for the plugin")
        boolean noCds;

        @Override
        public Integer call() throws Exception {
            Names.network(network);
            if (priority < 0 || priority > 99) {
                throw new IllegalArgumentException("--priority must be 0..99");
            }
            PrintWriter out = spec.commandLine().getOut();
            Path javaBin = java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java");
            Files.createDirectories(binDir);
            Files.createDirectories(confDir);
            Path jar = binDir.toAbsolutePath().resolve(JAR);
            installJar(jar);
            Path archive = noCds ? null : archive(javaBin, jar, binDir.toAbsolutePath().resolve(ARCHIVE), out);
            Path launcher = binDir.resolve(PLUGIN);
            write(launcher, launcher(javaBin, jar, archive), "rwxr-xr-x");
            Path conflist = confDir.resolve(String.format("%02d-qnf-%s.conflist", priority, network));
            write(conflist, JSON.writeValueAsString(conflist()) + "\n", "rw-r--r--");
            out.println("installed " + launcher + " (" + jar.getFileName() + (archive == null ? "" : ", " + archive.getFileName())
                    + ") and " + conflist);
            return 0;
        }

        ObjectNode conflist() {
            ObjectNode list = JSON.createObjectNode().put("cniVersion", "1.0.0").put("name", network);
            ObjectNode plugin = list.putArray("plugins").addObject().put("type", PLUGIN).put("network", network);
            if (agentSocket != null) {
                plugin.put("agentSocket", agentSocket.toAbsolutePath().toString());
            }
            ObjectNode caps = plugin.putObject("capabilities");
            for (String c : List.of("portMappings", "ips", "mac", "dns", "aliases")) {
                caps.put(c, true);
            }
            return list;
        }

        static String launcher(Path java, Path jar, Path archive) {
            List<String> cmd = new ArrayList<>();
            cmd.add(quote(java.toString()));
            cmd.addAll(FAST_START);
            if (archive != null) {
                cmd.add(quote("-XX:SharedArchiveFile=" + archive));
            }
            cmd.add("-cp");
            cmd.add(quote(jar.toString()));
            cmd.add(CniClient.class.getName());
            return "#!/bin/sh\n# The qnf CNI plugin: forwards each call to the qnf agent. Written by qnf cni install.\nexec "
                    + String.join(" ", cmd) + "\n";
        }

        /** The client jar as built, or (running from a build tree) packed from its class directory. */
        private static void installJar(Path target) throws IOException, URISyntaxException {
            Path source = Path.of(CniClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            if (Files.isDirectory(source)) {
                Manifest m = new Manifest();
                m.getMainAttributes().putValue("Manifest-Version", "1.0");
                m.getMainAttributes().putValue("Main-Class", CniClient.class.getName());
                try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(tmp), m);
                     Stream<Path> files = Files.walk(source)) {
                    for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                        jar.putNextEntry(new java.util.jar.JarEntry(source.relativize(f).toString().replace('\\', '/')));
                        Files.copy(f, jar);
                        jar.closeEntry();
                    }
                }
            } else {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        /**
         * A dynamic AppCDS archive of the classes one plugin call loads (a call to an absent agent exercises the
         * socket path); null, with a warning, when the JVM cannot make one.
         */
        private static Path archive(Path java, Path jar, Path archive, PrintWriter out) throws InterruptedException {
            try {
                Files.deleteIfExists(archive);
                List<String> cmd = new ArrayList<>(List.of(java.toString()));
                cmd.addAll(FAST_START);
                cmd.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-cp", jar.toString(), CniClient.class.getName()));
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
                pb.environment().putAll(Map.of("CNI_COMMAND", "ADD", "QNF_AGENT_SOCKET",
                        archive.resolveSibling(".qnf-cds-training.sock").toString()));
                Process p = pb.start();
                p.getOutputStream().write("{\"cniVersion\":\"1.0.0\",\"name\":\"training\"}".getBytes());
                p.getOutputStream().close();
                p.getInputStream().readAllBytes();
                if (p.waitFor(60, TimeUnit.SECONDS) && Files.size(archive) > 0) {
                    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
                    return archive;
                }
                p.destroyForcibly();
            } catch (IOException e) {
                out.println("warning: no class-data archive (" + e.getMessage() + "); the plugin starts a little slower");
            }
            return null;
        }

        private static void write(Path file, String content, String mode) throws IOException {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }

        private static String quote(String s) {
            return "'" + s.replace("'", "'\\''") + "'";
        }
    }
}
