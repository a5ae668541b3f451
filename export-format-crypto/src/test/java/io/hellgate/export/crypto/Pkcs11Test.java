package io.hellgate.export.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.RecipientKey;
import io.hellgate.export.WrongKeyException;
import io.hellgate.export.crypto.KeySourceException.Reason;
import io.hellgate.export.crypto.internal.StoreKeys;
import io.hellgate.export.internal.TokenUnwrapper;
import io.hellgate.export.internal.Fingerprints;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Provider;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import javax.crypto.BadPaddingException;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recipient keys in a real SoftHSM2 token, through SunPKCS11. Skips when SoftHSM2 is absent. */
class Pkcs11Test {
  private static final String ALIAS = "export-2026";
  private static final String SUBJECT = "CN=hsm.export.example, O=Acme Payments GmbH, C=DE";
  private static SoftHsm hsm;
  private static X509Certificate issued;

  @TempDir Path dir;

  /** Generates the key inside the token (keygen --pkcs11), has a test CA sign the request, installs the certificate. */
  @BeforeAll
  static void keyInToken() throws Exception {
    hsm = SoftHsm.get();
    String csrPem = CertificateRequests.createPemInPkcs11(hsm.recipientConfig, ALIAS, SoftHsm.PIN.toCharArray(), SUBJECT, 2048);
    PKCS10CertificationRequest csr;
    try (PEMParser p = new PEMParser(new StringReader(csrPem))) {
      csr = (PKCS10CertificationRequest) p.readObject();
    }
    KeyPair ca = TestPki.rsa(2048);
    issued = TestPki.certificate(new JcaPKCS10CertificationRequest(csr).getPublicKey(), SUBJECT, ca.getPrivate(), null);

    Provider provider = StoreKeys.pkcs11Provider(hsm.recipientConfig);
    KeyStore store = StoreKeys.pkcs11Store(provider, hsm.recipientConfig, SoftHsm.PIN.toCharArray());
    store.setKeyEntry(ALIAS, store.getKey(ALIAS, null), null, new Certificate[] {issued});
  }

  @Test
  void roundTripThroughTheToken() throws Exception {
    char[] pin = SoftHsm.PIN.toCharArray();
    RecipientKey key = RecipientKeys.fromPkcs11(hsm.recipientConfig, ALIAS, pin);
    assertThat(pin).containsOnly('\0');
    assertThat(key.fingerprint()).contains(Fingerprints.sha256(issued));
    Path archive = TestPki.archive(dir, issued, 5);
    assertThat(TestPki.readAll(archive, key)).hasSize(5);
    // The only key in the token: no alias needed.
    assertThat(TestPki.readAll(archive, RecipientKeys.fromPkcs11(hsm.recipientConfig, null, SoftHsm.PIN.toCharArray()))).hasSize(5);
  }

  @Test
  void theKeyStaysInTheTokenAndOaepIsDecodedInTheJvm() throws Exception {
    StoreKeys.Entry entry = StoreKeys.pkcs11(hsm.recipientConfig, ALIAS, SoftHsm.PIN.toCharArray());
    assertThat(entry.key().getEncoded()).as("a sensitive token key has no encoding").isNull();
    assertThat(entry.certificate()).isEqualTo(issued);
    TokenUnwrapper unwrapper = TokenUnwrapper.create(entry.key(), entry.provider(), (RSAPublicKey) issued.getPublicKey());
    assertThat(unwrapper.usesTokenOaep()).as("SunPKCS11 offers no OAEP cipher").isFalse();

    byte[] dataKey = new byte[32];
    Arrays.fill(dataKey, (byte) 0x5a);
    byte[] wrapped = io.hellgate.export.internal.RsaOaep.wrap(issued.getPublicKey(), dataKey, new java.security.SecureRandom());
    assertThat(unwrapper.unwrap(wrapped)).isEqualTo(dataKey);

    byte[] flipped = wrapped.clone();
    flipped[17] ^= 1;
    byte[] tooLarge = new byte[256];
    Arrays.fill(tooLarge, (byte) 0xff);
    for (byte[] bad : new byte[][] {flipped, tooLarge, new byte[255], new byte[257]}) {
      assertThatThrownBy(() -> unwrapper.unwrap(bad)).isInstanceOf(BadPaddingException.class).hasMessage("RSA-OAEP decryption failed");
    }
  }

  /** Regression: core's RecipientKey.of(PrivateKey) used to fail for token keys (SunPKCS11 has no OAEP). */
  @Test
  void corePrivateKeyPathWorksWithATokenKey() throws Exception {
    StoreKeys.Entry entry = StoreKeys.pkcs11(hsm.recipientConfig, ALIAS, SoftHsm.PIN.toCharArray());
    Path archive = TestPki.archive(dir, issued, 3);
    // The usual JCA set-up: the configured SunPKCS11 instance is installed, so provider selection finds it.
    java.security.Security.addProvider(entry.provider());
    try {
      assertThat(TestPki.readAll(archive, RecipientKey.of(entry.key(), issued))).hasSize(3);
      assertThat(TestPki.readAll(archive, RecipientKey.of(entry.key()))).hasSize(3);
    } finally {
      java.security.Security.removeProvider(entry.provider().getName());
    }
  }

  @Test
  void aKeyForAnotherCertificateNamesTheExpectedOne() throws Exception {
    KeyPair other = TestPki.rsa(2048);
    X509Certificate otherCert = TestPki.selfSigned(other, "CN=other, O=Acme Payments GmbH, C=DE");
    RecipientKey key = RecipientKeys.fromPkcs11(hsm.recipientConfig, ALIAS, SoftHsm.PIN.toCharArray());
    Path archive = TestPki.archive(dir, otherCert, 1);
    assertThatThrownBy(() -> TestPki.readAll(archive, key))
        .isInstanceOf(WrongKeyException.class)
        .hasMessageContaining(Fingerprints.sha256(otherCert));
  }

  @Test
  void missingAlias() throws Exception {
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(hsm.recipientConfig, "export-1999", SoftHsm.PIN.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
        .hasMessageContaining("no private key with alias \"export-1999\"")
        .hasMessageContaining(ALIAS);
  }

  /** Only this test logs in to the "empty" token: SunPKCS11 skips C_Login once a session is logged in. */
  @Test
  void wrongPinThenATokenWithoutTheKey() throws Exception {
    String wrong = "9999-wrong-pin";
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(hsm.emptyConfig, null, wrong.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSWORD))
        .hasMessageContaining("rejected the PIN")
        .hasMessageNotContaining(wrong);
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(hsm.emptyConfig, null, SoftHsm.PIN.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND))
        .hasMessageContaining("holds no private key with a certificate");
  }

  @Test
  void keygenChecksTheSubjectBeforeTouchingTheToken() throws Exception {
    assertThatThrownBy(
            () -> CertificateRequests.createPemInPkcs11(hsm.recipientConfig, "no-org", SoftHsm.PIN.toCharArray(), "CN=x, C=DE", 2048))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("O (Organization)");
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(hsm.recipientConfig, "no-org", SoftHsm.PIN.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void unusableConfiguration() throws Exception {
    Path cfg = dir.resolve("bad.cfg");
    Files.writeString(cfg, "name = nowhere\nlibrary = " + dir.resolve("libmissing.so") + "\n");
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(cfg, null, SoftHsm.PIN.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TOKEN_UNAVAILABLE))
        .hasMessageContaining(cfg.toString());
    assertThatThrownBy(() -> RecipientKeys.fromPkcs11(dir.resolve("absent.cfg"), null, SoftHsm.PIN.toCharArray()))
        .isInstanceOfSatisfying(KeySourceException.class, e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }
}
