package dev.qnf.agent.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The agent's durable local state, one small JSON file per fact, each replaced atomically ({@link AtomicFiles}):
 *
 * <pre>
 * STATE_DIR/attachments/NETWORK.ENDPOINT.json   a LocalAttachment (one per plugged container interface)
 * STATE_DIR/releases/NETWORK.ENDPOINT.json      a release the control plane has not confirmed yet
 * STATE_DIR/view.json                           the last control-plane state seen (ViewSnapshot)
 * </pre>
 *
 * Everything is also held in memory; reads never touch the disk. A file that does not parse is moved aside
 * ({@code .corrupt}) and logged, never fatal. Thread-safe.
 */
public final class StateStore {
    private static final Logger LOG = LoggerFactory.getLogger(StateStore.class);
    static final ObjectMapper JSON = JsonMapper.builder()
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false).build();

    /** A queued release: the endpoint to release in the control plane. */
    public record PendingRelease(String network, String endpoint) {
        public String key() {
            return LocalAttachment.key(network, endpoint);
        }
    }

    private final Path dir;
    private final Path attachmentsDir;
    private final Path releasesDir;
    private final Map<String, LocalAttachment> attachments = new TreeMap<>();
    private final Map<String, PendingRelease> releases = new TreeMap<>();

    private StateStore(Path dir) {
        this.dir = dir;
        this.attachmentsDir = dir.resolve("attachments");
        this.releasesDir = dir.resolve("releases");
    }

    /** Opens (creating if needed, mode 0700) the state dir and loads it. */
    public static StateStore open(Path dir) throws IOException {
        StateStore store = new StateStore(dir);
        AtomicFiles.privateDirectory(dir);
        AtomicFiles.privateDirectory(store.attachmentsDir);
        AtomicFiles.privateDirectory(store.releasesDir);
        for (LocalAttachment a : store.load(store.attachmentsDir, LocalAttachment.class)) {
            store.attachments.put(a.key(), a);
        }
        for (PendingRelease r : store.load(store.releasesDir, PendingRelease.class)) {
            store.releases.put(r.key(), r);
        }
        return store;
    }

    public Path dir() {
        return dir;
    }

    // ---- attachments

    public synchronized List<LocalAttachment> attachments() {
        return List.copyOf(attachments.values());
    }

    public synchronized Optional<LocalAttachment> attachment(String network, String endpoint) {
        return Optional.ofNullable(attachments.get(LocalAttachment.key(network, endpoint)));
    }

    /** Records (or replaces) an attachment durably before returning. */
    public synchronized void put(LocalAttachment a) {
        write(attachmentsDir.resolve(fileName(a.network(), a.endpoint())), a);
        attachments.put(a.key(), a);
    }

    /** Forgets an attachment; forgetting an unknown one is fine. */
    public synchronized void remove(String network, String endpoint) {
        delete(attachmentsDir.resolve(fileName(network, endpoint)));
        attachments.remove(LocalAttachment.key(network, endpoint));
    }

    // ---- releases the control plane has not confirmed

    public synchronized List<PendingRelease> pendingReleases() {
        return List.copyOf(releases.values());
    }

    public synchronized Set<String> pendingReleaseKeys() {
        return new TreeSet<>(releases.keySet());
    }

    public synchronized void queueRelease(String network, String endpoint) {
        PendingRelease r = new PendingRelease(network, endpoint);
        write(releasesDir.resolve(fileName(network, endpoint)), r);
        releases.put(r.key(), r);
    }

    public synchronized void releaseDone(String network, String endpoint) {
        delete(releasesDir.resolve(fileName(network, endpoint)));
        releases.remove(LocalAttachment.key(network, endpoint));
    }

    // ---- the last control-plane view

    public Optional<ViewSnapshot> loadView() {
        Path file = dir.resolve("view.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), ViewSnapshot.class));
        } catch (IOException e) {
            quarantine(file, e);
            return Optional.empty();
        }
    }

    public void saveView(ViewSnapshot view) {
        write(dir.resolve("view.json"), view);
    }

    // ---- plumbing

    /** NETWORK.ENDPOINT.json: network names have no '.', so the first one separates; endpoint ids have no '/'. */
    static String fileName(String network, String endpoint) {
        return network + "." + endpoint + ".json";
    }

    private <T> List<T> load(Path from, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from, "*.json")) {
            for (Path f : files) {
                if (f.getFileName().toString().startsWith(".")) {
                    Files.deleteIfExists(f); // a temporary file left by a crash
                    continue;
                }
                try {
                    out.add(JSON.readValue(f.toFile(), type));
                } catch (IOException | RuntimeException e) {
                    quarantine(f, e);
                }
            }
        }
        return out;
    }

    private static void quarantine(Path file, Exception e) {
        LOG.error("state file {} is unreadable ({}); moved aside as .corrupt", file, e.getMessage());
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException moveFailed) {
            LOG.error("cannot move {} aside: {}", file, moveFailed.getMessage());
        }
    }

    private static void write(Path file, Object value) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void delete(Path file) {
        try {
            AtomicFiles.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException("delete " + file + ": " + e.getMessage(), e);
        }
    }
}
