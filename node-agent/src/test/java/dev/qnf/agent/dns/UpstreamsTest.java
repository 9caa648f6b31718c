package dev.qnf.agent.dns;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamsTest {
    @TempDir
    Path dir;

    private static InetSocketAddress at(String ip) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), 53);
    }

    @Test
    void nameservers_in_order_without_loopback_own_or_bad_entries() throws Exception {
        String conf = """
                # generated
                search example.com
                nameserver 192.0.2.1
                nameserver 127.0.0.53
                nameserver ::1
                nameserver 10.89.0.1
                ; nameserver 192.0.2.9
                nameserver dns.example.com
                nameserver 1.2.3.999
                nameserver 0.0.0.0
                nameserver 2001:db8::53
                nameserver 192.0.2.1
                options ndots:2
                """;

        List<InetSocketAddress> found = Upstreams.parse(conf, Set.of(InetAddress.getByName("10.89.0.1")));

        assertThat(found).containsExactly(at("192.0.2.1"), at("2001:db8::53"));
    }

    @Test
    void only_loopback_stubs_fall_back_to_systemd_resolveds_upstreams() throws Exception {
        Path stub = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.53\noptions edns0\n");
        Path real = Files.writeString(dir.resolve("systemd.conf"), "nameserver 198.51.100.7\n");

        assertThat(Upstreams.discover(stub, real, Set.of())).containsExactly(at("198.51.100.7"));
        assertThat(Upstreams.discover(stub, dir.resolve("missing"), Set.of())).isEmpty();
    }

    @Test
    void a_usable_file_is_used_as_is() throws Exception {
        Path conf = Files.writeString(dir.resolve("resolv.conf"), "nameserver 127.0.0.1\nnameserver 192.0.2.2\n");
        Path real = Files.writeString(dir.resolve("systemd.conf"), "nameserver 198.51.100.7\n");

        assertThat(Upstreams.discover(conf, real, Set.of())).containsExactly(at("192.0.2.2"));
    }
}
