package dev.qnf.mesh.key;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class X25519Test {

    @Test
    void derivesThePublicKeyOfTheRfc7748Vector() {
        // RFC 7748 section 6.1, Alice: X25519(a, 9)
        WgKey alice = WgKey.of(HexFormat.of().parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
        assertThat(X25519.publicOf(alice).hex())
                .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    }

    @Test
    void generatesClampedDistinctKeys() {
        WgKey a = X25519.generatePrivate();
        WgKey b = X25519.generatePrivate();
        assertThat(a).isNotEqualTo(b);
        byte[] raw = a.bytes();
        assertThat(raw[0] & 7).isZero();
        assertThat(raw[31] & 0xc0).isEqualTo(0x40);
        assertThat(X25519.publicOf(a)).isEqualTo(X25519.publicOf(WgKey.fromBase64(a.base64())));
    }

    @Test
    void keysRoundTripAndRejectGarbage() {
        WgKey k = X25519.generatePrivate();
        assertThat(WgKey.fromHex(k.hex())).isEqualTo(k);
        assertThat(k.base64()).hasSize(44);
        assertThat(k.toString()).doesNotContain(k.base64());
        assertThatThrownBy(() -> WgKey.fromBase64("not a key")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WgKey.fromBase64("AAAA")).hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> WgKey.fromHex("00")).isInstanceOf(IllegalArgumentException.class);
    }
}
