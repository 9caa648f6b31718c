package dev.qnf.cli.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A container root file system made of the host's static busybox, so podman needs no image and no registry
 * ({@code podman run --rootfs DIR}). It holds {@code /bin/busybox} and a symlink per applet (what
 * {@code busybox --install -s} makes, without needing a chroot), root in {@code /etc/passwd} and {@code /etc/group},
 * an {@code nsswitch.conf} that asks the hosts file and then DNS, and the mount points podman and runc would
 * otherwise create on first use, so containers started at the same time never race to create them.
 */
public final class BusyboxRootfs {
    static final List<Path> CANDIDATES = List.of(Path.of("/usr/bin/busybox"), Path.of("/bin/busybox"));

    private BusyboxRootfs() {
    }

    /** The host's busybox if it is statically linked (Debian's busybox-static), else empty. */
    public static Optional<Path> staticBusybox() {
        for (Path p : CANDIDATES) {
            if (Files.isExecutable(p) && isStatic(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Creates the tree in {@code dir} (which must not exist or be empty) and returns it. */
    public static Path create(Path busybox, Path dir) throws IOException {
        for (String d : List.of("bin", "etc", "tmp", "proc", "sys", "dev", "run", "root", "var/www")) {
            Files.createDirectories(dir.resolve(d));
        }
        Sh.run("chmod", "1777", dir.resolve("tmp").toString()).orFail();   // sticky: java.nio cannot set it
        Path bin = dir.resolve("bin");
        Files.copy(busybox, bin.resolve("busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        String applets = Sh.run(busybox.toString(), "--list").orFail().out();
        for (String applet : applets.split("\\s+")) {
            if (!applet.isEmpty() && !applet.equals("busybox")) {
                Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
            }
        }
        write(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n");
        write(dir.resolve("etc/group"), "root:x:0:\nnogroup:x:65534:\n");
        write(dir.resolve("etc/nsswitch.conf"), "hosts: files dns\n");
        for (String mountPoint : List.of("etc/hosts", "etc/hostname", "etc/resolv.conf", "run/.containerenv")) {
            write(dir.resolve(mountPoint), "");
        }
        Files.createSymbolicLink(dir.resolve("etc/mtab"), Path.of("/proc/mounts"));
        write(dir.resolve("var/www/index.html"), "qnf\n");
        return dir;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** A dynamically linked ELF file names its loader ({@code /lib64/ld-linux-x86-64.so.2}) near its start. */
    private static boolean isStatic(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            String head = new String(in.readNBytes(4096), StandardCharsets.ISO_8859_1);
            return head.startsWith("\u007fELF") && !head.contains("/ld-linux") && !head.contains("/ld-musl");
        } catch (IOException e) {
            return false;
        }
    }
}
