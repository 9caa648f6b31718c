package dev.qnf.agent.state;

import dev.qnf.api.json.AllocationView;
import dev.qnf.api.json.NetworkView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StateStoreTest {
    static final NetworkView BLUE = new NetworkView("blue", "10.1.0.0/24", null, "10.1.0.1", null, 1500, true, 26,
            null, false, Map.of(), null);

    @TempDir
    Path dir;

    static LocalAttachment attachment(String endpoint) {
        return new LocalAttachment("blue", endpoint, "cid", "eth0", "/var/run/netns/x", "qv0123456789ab",
                "0a:58:0a:01:00:02", "10.1.0.2", null, List.of(PortMap.tcp(8080, 80)), Map.of("name", "web"), BLUE, 7);
    }

    @Test
    void attachmentsSurviveAReopenAndAreGoneOnceRemoved() throws Exception {
        StateStore store = StateStore.open(dir);
        store.put(attachment("cid:eth0"));
        store.put(attachment("other:eth1"));
        store.remove("blue", "other:eth1");
        store.remove("blue", "never-there");

        StateStore reopened = StateStore.open(dir);
        assertThat(reopened.attachments()).containsExactly(attachment("cid:eth0"));
        assertThat(reopened.attachment("blue", "cid:eth0")).contains(attachment("cid:eth0"));
        assertThat(Files.list(dir.resolve("attachments")).map(p -> p.getFileName().toString()))
                .containsExactly("blue.cid:eth0.json");
    }

    @Test
    void theStateIsRootOnly() throws Exception {
        StateStore store = StateStore.open(dir.resolve("agent"));
        store.put(attachment("cid:eth0"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("agent")))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                dir.resolve("agent/attachments/blue.cid:eth0.json")))).isEqualTo("rw-------");
    }

    @Test
    void releasesStayQueuedUntilDone() throws Exception {
        StateStore store = StateStore.open(dir);
        store.queueRelease("blue", "a:eth0");
        store.queueRelease("blue", "a:eth0");
        assertThat(StateStore.open(dir).pendingReleaseKeys()).containsExactly("blue/a:eth0");
        store.releaseDone("blue", "a:eth0");
        assertThat(StateStore.open(dir).pendingReleases()).isEmpty();
    }

    @Test
    void theViewRoundTrips() throws Exception {
        StateStore store = StateStore.open(dir);
        assertThat(store.loadView()).isEmpty();
        ViewSnapshot v = new ViewSnapshot(42, List.of(BLUE), List.of(new AllocationView("blue", "a", "10.1.0.2", null,
                "n1", "cid", "eth0", "0a:58:0a:01:00:02", Map.of("k", "v"), null)));
        store.saveView(v);
        assertThat(StateStore.open(dir).loadView()).contains(v);
    }

    @Test
    void anUnreadableFileIsSetAsideNotFatalAndCrashLeftoversAreDropped() throws Exception {
        StateStore.open(dir).put(attachment("cid:eth0"));
        Files.writeString(dir.resolve("attachments/blue.torn.json"), "{\"network\":\"blue\",");
        Files.writeString(dir.resolve("attachments/.blue.x.json.tmp-1"), "partial");
        Files.writeString(dir.resolve("view.json"), "garbage");

        StateStore store = StateStore.open(dir);

        assertThat(store.attachments()).containsExactly(attachment("cid:eth0"));
        assertThat(dir.resolve("attachments/blue.torn.json.corrupt")).exists();
        assertThat(store.loadView()).isEmpty();
        assertThat(dir.resolve("view.json.corrupt")).exists();
    }
}
