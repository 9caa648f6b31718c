package dev.qnf.fabric.net;

import dev.qnf.fabric.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.math.BigInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AddressParsingTest {

    @Test
    void parsesAndPrintsIpv4() {
        IpAddress a = IpAddress.parse("10.1.2.3");
        assertThat(a.family()).isEqualTo(4);
        assertThat(a.value()).isEqualTo(BigInteger.valueOf((10L << 24) | (1 << 16) | (2 << 8) | 3));
        assertThat(a).hasToString("10.1.2.3");
        assertThat(IpAddress.parse("255.255.255.255").plus(0)).hasToString("255.255.255.255");
    }

    @Test
    void printsIpv6InRfc5952Form() {
        assertThat(IpAddress.parse("FD00:0:0:0:0:0:0:1")).hasToString("fd00::1");
        assertThat(IpAddress.parse("2001:db8:0:0:1:0:0:1")).hasToString("2001:db8::1:0:0:1");
        assertThat(IpAddress.parse("::")).hasToString("::");
        assertThat(IpAddress.parse("1:0:1:1:1:1:1:1")).hasToString("1:0:1:1:1:1:1:1");
        assertThat(IpAddress.parse("::ffff:1.2.3.4").family()).isEqualTo(6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.256", "10.0.0.01", "a.b.c.d", "localhost", "10.0.0.1.2", "1::2::3",
            "example.com", "10.0.0.-1", "gggg::1"})
    void rejectsMalformedAddresses(String text) {
        assertThatThrownBy(() -> IpAddress.parse(text)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void cidrRejectsHostBitsWithAHint() {
        assertThatThrownBy(() -> Cidr.parse("10.0.0.1/24"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("did you mean 10.0.0.0/24");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/2x", "fd00::/129",
            "/24"})
    void rejectsMalformedCidrs(String text) {
        assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(InvalidInputException.class);
    }

    @Test
    void overlapAndContainment() {
        Cidr a = Cidr.parse("10.0.0.0/16");
        Cidr b = Cidr.parse("10.0.128.0/17");
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertThat(a.overlaps(b)).isTrue();
        assertThat(b.overlaps(a)).isTrue();
        assertThat(a.overlaps(c)).isFalse();
        assertThat(a.contains(b)).isTrue();
        assertThat(a.overlaps(Cidr.parse("fd00::/64"))).isFalse();
        assertThat(a.subnet(26, BigInteger.valueOf(3))).hasToString("10.0.0.192/26");
        assertThat(Cidr.containing(IpAddress.parse("10.0.0.200"), 26)).hasToString("10.0.0.192/26");
        assertThat(Cidr.parse("fd00::/120").last()).hasToString("fd00::ff");
    }
}
