package dev.qnf.mesh.key;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeKeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsTheKeyOwnerOnlyAndKeepsIt() throws IOException {
        NodeKeyFile file = NodeKeyFile.in(dir.resolve("state"));
        WgKey first = file.loadOrCreate();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(NodeKeyFile.in(dir.resolve("state")).loadOrCreate()).isEqualTo(first);
        assertThat(Files.readString(file.path()).trim()).isEqualTo(first.base64());
    }

    @Test
    void rotationReplacesTheKey() throws IOException {
        NodeKeyFile file = NodeKeyFile.in(dir);
        WgKey first = file.loadOrCreate();
        WgKey second = file.rotate();
        assertThat(second).isNotEqualTo(first);
        assertThat(file.load()).isEqualTo(second);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path()))).isEqualTo("rw-------");
        assertThat(Files.exists(dir.resolve(NodeKeyFile.FILE_NAME + ".tmp"))).isFalse();
    }

    @Test
    void refusesAKeyOthersCanRead() throws IOException {
        NodeKeyFile file = NodeKeyFile.in(dir);
        file.loadOrCreate();
        Files.setPosixFilePermissions(file.path(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(file::load).hasMessageContaining("readable by others");
    }

    @Test
    void refusesAFileThatIsNotAKey() throws IOException {
        NodeKeyFile file = NodeKeyFile.in(dir);
        Files.createFile(file.path(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file.path(), "hello");
        assertThatThrownBy(file::load).isInstanceOf(IOException.class).hasMessageContaining(file.path().toString());
    }
}
