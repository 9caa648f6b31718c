package dev.qnf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code qnf cni install}: the conflist a runtime reads and a plugin binary that works as a runtime runs it. */
class CniInstallTest {
    @TempDir
    Path dir;

    @Test
    void writesAConflistAndARunnablePlugin() throws Exception {
        Path bin = dir.resolve("bin");
        Path conf = dir.resolve("net.d");
        assertThat(Qnf.run("cni", "install", "--bin-dir", bin.toString(), "--conf-dir", conf.toString(),
                "--network", "blue", "--agent-socket", dir.resolve("agent.sock").toString())).isZero();

        JsonNode list = new ObjectMapper().readTree(conf.resolve("50-qnf-blue.conflist").toFile());
        assertThat(list.path("cniVersion").asText()).isEqualTo("1.0.0");
        assertThat(list.path("name").asText()).isEqualTo("blue");
        JsonNode plugin = list.path("plugins").get(0);
        assertThat(plugin.path("type").asText()).isEqualTo("qnf");
        assertThat(plugin.path("network").asText()).isEqualTo("blue");
        assertThat(plugin.path("agentSocket").asText()).isEqualTo(dir.resolve("agent.sock").toString());
        assertThat(plugin.path("capabilities").toString())
                .isEqualTo("{\"portMappings\":true,\"ips\":true,\"mac\":true,\"dns\":true,\"aliases\":true}");

        Path launcher = bin.resolve("qnf");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
        assertThat(Files.readString(launcher)).contains("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "qnf-cni.jar", "dev.qnf.cni.CniClient");
        assertThat(bin.resolve("qnf-cni.jar")).isRegularFile();

        Result version = run(launcher, Map.of("CNI_COMMAND", "VERSION"), "{\"cniVersion\":\"1.0.0\"}");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).contains("\"supportedVersions\"", "1.1.0");
        Result noAgent = run(launcher, Map.of("CNI_COMMAND", "ADD", "CNI_CONTAINERID", "x", "CNI_NETNS", "/x",
                "CNI_IFNAME", "eth0"), Files.readString(conf.resolve("50-qnf-blue.conflist")));
        assertThat(noAgent.exit()).isEqualTo(1);
        assertThat(noAgent.out()).contains("\"code\":11");
    }

    @Test
    void badInputIsRefusedBeforeWritingAnything() {
        assertThat(Qnf.run("cni", "install", "--bin-dir", dir.resolve("b").toString(), "--conf-dir",
                dir.resolve("c").toString(), "--network", "Not_Valid")).isEqualTo(2);
        assertThat(dir.resolve("c")).doesNotExist();
    }

    record Result(int exit, String out) {
    }

    static Result run(Path binary, Map<String, String> env, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), out);
    }
}
