package dev.qnf.api.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The CA in a directory, loaded once and again only when one of its files changes (a rotation rewrites them). The
 * join port signs with it on every join, and opening an encrypted key costs about a second of PBKDF2: paid per
 * request, any unauthenticated caller with a well-formed token could buy a second of server CPU per request.
 */
public final class CaCache {
    private final Path dir;
    private final CaPassphrase passphrase;
    private volatile Loaded loaded;

    private record Loaded(List<Object> stamps, ClusterPki pki) {
    }

    public CaCache(Path dir, CaPassphrase passphrase) {
        this.dir = dir;
        this.passphrase = passphrase;
    }

    public boolean exists() {
        return ClusterPki.exists(dir);
    }

    /** The CA as its files now are. */
    public ClusterPki get() {
        List<Object> stamps = stamps();
        Loaded current = loaded;
        if (current == null || !current.stamps().equals(stamps)) {
            ClusterPki pki;
            try {
                pki = ClusterPki.load(dir, Clock.systemUTC(), passphrase);
            } catch (IllegalStateException midRotation) {
                if (current == null) {
                    throw midRotation;
                }
                return current.pki();   // a rotation is being installed: the last CA until its files are all written
            }
            current = new Loaded(stamps, pki);
            loaded = current;
        }
        return current.pki();
    }

    /** Per file its inode and modification time: files are replaced by a rename (a new inode) when rewritten. */
    private List<Object> stamps() {
        List<Object> stamps = new ArrayList<>();
        for (String name : List.of(ClusterPki.CA_CERT, ClusterPki.CA_KEY, TlsFiles.BUNDLE,
                ClusterPki.CA_CROSS, ClusterPki.CA_NEXT)) {
            Path file = dir.resolve(name);
            try {
                if (Files.exists(file)) {
                    BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                    stamps.add(a.fileKey());
                    stamps.add(a.lastModifiedTime());
                } else {
                    stamps.add(FileTime.fromMillis(0));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
        return stamps;
    }
}
