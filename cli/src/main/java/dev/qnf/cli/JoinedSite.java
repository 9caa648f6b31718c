package dev.qnf.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The site a node's join token bound it to, kept next to the identity it came with ({@code <tls-dir>/site}), so
 * that an agent restarted without {@code --join} (its token may be used up) still registers in that site: the
 * control plane refuses any other (docs/security.md, "Sites").
 */
final class JoinedSite {
    static final String FILE = "site";

    private JoinedSite() {
    }

    /** The recorded site, or null if this identity was not joined with a site-bound token. */
    static String read(Path tlsDir) {
        Path file = tlsDir.resolve(FILE);
        try {
            String site = Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8).strip() : "";
            return site.isEmpty() ? null : site;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Records {@code site} (null: removes the record, the new identity is bound to no site). */
    static void write(Path tlsDir, String site) {
        Path file = tlsDir.resolve(FILE);
        try {
            if (site == null) {
                Files.deleteIfExists(file);
                return;
            }
            Path tmp = tlsDir.resolve(FILE + ".tmp");
            Files.writeString(tmp, site + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
