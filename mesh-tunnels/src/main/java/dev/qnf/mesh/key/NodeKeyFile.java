package dev.qnf.mesh.key;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The node's WireGuard private key in the agent's state dir ({@value #FILE_NAME}, base64, mode 0600). It is created
 * on this host and read only here: the agent publishes {@link X25519#publicOf the public key} and nothing else.
 * The file is written under a temporary name created with mode 0600 (never world-readable, not even for a moment)
 * and moved into place atomically, so a crash leaves the old key or the new one, never half of one.
 */
public final class NodeKeyFile {
    public static final String FILE_NAME = "wireguard.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final Path file;

    private NodeKeyFile(Path file) {
        this.file = file;
    }

    public static NodeKeyFile in(Path stateDir) {
        return new NodeKeyFile(stateDir.resolve(FILE_NAME));
    }

    public Path path() {
        return file;
    }

    /** The stored key, or a new one stored now. */
    public WgKey loadOrCreate() throws IOException {
        if (Files.exists(file)) {
            return load();
        }
        WgKey key = X25519.generatePrivate();
        write(key);
        return key;
    }

    public WgKey load() throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(file + " is readable by others (" + PosixFilePermissions.toString(perms)
                    + "); chmod 600 it or delete it to get a new key");
        }
        try {
            return WgKey.fromBase64(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the key with a new one and returns it: what {@code qnf node rotate-key} does on the node. */
    public WgKey rotate() throws IOException {
        WgKey key = X25519.generatePrivate();
        write(key);
        return key;
    }

    private void write(WgKey key) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is writing " + tmp, e);
        }
        Files.writeString(tmp, key.base64() + "\n", StandardCharsets.US_ASCII);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
