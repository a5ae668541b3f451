package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Security;
import java.security.interfaces.RSAPublicKey;
import javax.crypto.BadPaddingException;
import org.junit.jupiter.api.Test;

/**
 * The branch a token takes when its provider does offer RSA-OAEP-256 (SunPKCS11 does not; the
 * SoftHSM2 tests in Pkcs11Test cover the raw-RSA branch): SunJCE stands in for such a provider.
 */
class TokenUnwrapperTest {
  @Test
  void usesTheProvidersOaepWhenItAcceptsTheExplicitSha256Parameters() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    Provider sunJce = Security.getProvider("SunJCE");
    TokenUnwrapper u = TokenUnwrapper.create(kp.getPrivate(), sunJce, (RSAPublicKey) kp.getPublic());
    assertThat(u.usesTokenOaep()).isTrue();
    assertThat(u.toString()).contains("token OAEP").doesNotContain(kp.getPrivate().toString());

    byte[] dataKey = new byte[32];
    new SecureRandom().nextBytes(dataKey);
    byte[] wrapped = RsaOaep.wrap(kp.getPublic(), dataKey, new SecureRandom());
    assertThat(u.unwrap(wrapped)).isEqualTo(dataKey);
    wrapped[5] ^= 1;
    assertThatThrownBy(() -> u.unwrap(wrapped)).isInstanceOf(BadPaddingException.class);
  }
}
