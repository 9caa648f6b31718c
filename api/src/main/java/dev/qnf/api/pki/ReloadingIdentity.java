package dev.qnf.api.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.Supplier;

/**
 * The current identity from {@link TlsFiles}, reloaded when a file changes (looked at most once a second), so that a
 * renewed certificate or a new trust bundle takes effect on the next handshake without a restart. A half-written
 * or unreadable set keeps the last good identity.
 */
public final class ReloadingIdentity implements Supplier<Identity> {
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final TlsFiles files;
    private volatile Identity current;
    private volatile List<FileTime> stamps;
    private volatile long checkedAt;

    private ReloadingIdentity(TlsFiles files, Identity first, List<FileTime> stamps) {
        this.files = files;
        this.current = first;
        this.stamps = stamps;
        this.checkedAt = System.nanoTime();
    }

    /** Loads the files now (failing loudly if they are missing or broken) and watches them from then on. */
    public static ReloadingIdentity of(TlsFiles files) {
        for (int attempt = 1; ; attempt++) {
            List<FileTime> stamps = stamps(files);
            try {
                return new ReloadingIdentity(files, files.load(), stamps);
            } catch (IllegalStateException midRenewal) {
                if (attempt == 20) {
                    throw midRenewal;
                }
                try {
                    Thread.sleep(50);   // a renewal writes the key, then the certificate: read again shortly
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw midRenewal;
                }
            }
        }
    }

    public TlsFiles files() {
        return files;
    }

    @Override
    public Identity get() {
        long now = System.nanoTime();
        if (now - checkedAt >= CHECK_INTERVAL_NANOS) {
            checkedAt = now;
            reloadIfChanged();
        }
        return current;
    }

    /** Reloads at once if a file changed (used right after this process renewed its own certificate). */
    public synchronized void reloadIfChanged() {
        try {
            List<FileTime> now = stamps(files);
            if (!now.equals(stamps)) {
                Identity next = files.load();
                current = next;
                stamps = now;
            }
        } catch (RuntimeException e) {
            // keep the last good identity; the writer replaces files atomically, so this is a rare race
        }
    }

    private static List<FileTime> stamps(TlsFiles files) {
        try {
            return List.of(Files.getLastModifiedTime(files.bundle()), Files.getLastModifiedTime(files.cert()),
                    Files.getLastModifiedTime(files.key()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read TLS files " + files, e);
        }
    }
}
