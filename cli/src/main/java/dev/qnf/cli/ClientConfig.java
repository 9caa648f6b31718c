package dev.qnf.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.qnf.api.pki.TlsFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the CLI finds the control plane, in order: {@code --endpoint}, {@code QNF_ENDPOINT}, the client config file
 * ({@code QNF_CONFIG} or {@code ~/.qnf/config}, which {@code qnf dev} writes), else the default dev address. Its
 * identity (a directory with bundle.pem, cert.pem, key.pem): {@code --tls-dir}, {@code QNF_TLS_DIR}, the config
 * file's {@code tls-dir}, else {@code ~/.qnf/tls}.
 */
public final class ClientConfig {
    static final String DEFAULT_ENDPOINT = "https://127.0.0.1:7401";

    private ClientConfig() {
    }

    public static Path file() {
        String explicit = System.getenv("QNF_CONFIG");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return Path.of(System.getProperty("user.home"), ".qnf", "config");
    }

    public static TlsFiles tls(Path option) {
        if (option != null) {
            return TlsFiles.in(option);
        }
        String env = System.getenv("QNF_TLS_DIR");
        if (env != null && !env.isBlank()) {
            return TlsFiles.in(Path.of(env));
        }
        String fromFile = read().path("tls-dir").asText("");
        if (!fromFile.isBlank()) {
            return TlsFiles.in(Path.of(fromFile));
        }
        return TlsFiles.in(Path.of(System.getProperty("user.home"), ".qnf", "tls"));
    }

    private static JsonNode read() {
        Path file = file();
        if (!Files.isRegularFile(file)) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read client config " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<String> endpoints(String option) {
        if (option != null && !option.isBlank()) {
            return split(option);
        }
        String env = System.getenv("QNF_ENDPOINT");
        if (env != null && !env.isBlank()) {
            return split(env);
        }
        Path file = file();
        if (Files.isRegularFile(file)) {
            try {
                JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
                List<String> fromFile = new ArrayList<>();
                doc.path("endpoints").forEach(n -> fromFile.add(normalize(n.asText())));
                if (!fromFile.isEmpty()) {
                    return fromFile;
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read client config " + file + ": " + e.getMessage(), e);
            }
        }
        return List.of(DEFAULT_ENDPOINT);
    }

    /** Writes the endpoints and client identity of a dev cluster so that later CLI calls find it without flags. */
    public static void write(List<String> endpoints, Path tlsDir) throws IOException {
        Path file = file();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Map<String, Object> doc = new java.util.LinkedHashMap<>();
        doc.put("endpoints", endpoints);
        doc.put("tls-dir", tlsDir.toAbsolutePath().toString());
        new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), doc);
    }

    private static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(ClientConfig::normalize).toList();
    }

    private static String normalize(String endpoint) {
        return endpoint.contains("://") ? endpoint : "https://" + endpoint;
    }
}
