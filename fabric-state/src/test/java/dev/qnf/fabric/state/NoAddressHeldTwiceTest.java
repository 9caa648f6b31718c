package dev.qnf.fabric.state;

import dev.qnf.fabric.model.Endpoint;
import dev.qnf.fabric.model.Resource;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random allocate/release/retry sequences on small dual-stack networks. Invariants checked after every step:
 * no address is held twice, the derived address index agrees with the endpoints, and reloading the image from its
 * resources (what a snapshot does) gives the same image.
 */
class NoAddressHeldTwiceTest {

    @RepeatedTest(20)
    void randomHistories(RepetitionInfo info) {
        long seed = 1000L + info.getCurrentRepetition();
        Random random = new Random(seed);
        Fixtures f = new Fixtures();
        f.network("a", "10.0.0.0/27", "fd00:a::/120");
        f.network("b", "10.0.1.0/28");
        for (int step = 0; step < 400; step++) {
            String net = random.nextBoolean() ? "a" : "b";
            String ep = "e" + random.nextInt(40);
            String node = "n" + random.nextInt(3);
            if (random.nextInt(3) == 0) {
                f.release(net, ep);
            } else {
                Reply r = f.allocate(net, ep, node);
                if (r instanceof Reply.Rejected rej) {
                    assertThat(rej.code()).as("seed %d step %d", seed, step)
                            .isIn(ErrorCode.RESOURCE_EXHAUSTED, ErrorCode.ALREADY_EXISTS);
                }
            }
            check(f.image, seed, step);
        }
    }

    private static void check(FabricImage image, long seed, int step) {
        for (String net : new String[]{"a", "b"}) {
            Map<String, String> holders = new HashMap<>();
            for (Endpoint e : image.endpoints(net)) {
                for (var ip : new dev.qnf.fabric.net.IpAddress[]{e.ip(), e.ip6()}) {
                    if (ip == null) {
                        continue;
                    }
                    String prev = holders.put(ip.toString(), e.id());
                    assertThat(prev).as("seed %d step %d: %s held twice", seed, step, ip).isNull();
                    assertThat(image.holder(net, ip)).as("index for %s", ip).contains(e.id());
                    assertThat(image.network(net).orElseThrow().isReserved(ip)).isFalse();
                    assertThat(image.blocks(net)).anyMatch(b -> b.cidr().contains(ip));
                }
            }
        }
        java.util.List<Resource> resources = image.resources();
        assertThat(FabricImage.of(image.revision(), resources)).isEqualTo(image);
    }
}
