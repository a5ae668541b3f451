package io.hellgate.export.crypto.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.crypto.KeySourceException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PemKeys} reads plain PKCS#8 RSA keys and certificates with the JDK alone (so that a
 * command with such a key loads none of BouncyCastle's signed jars) and hands everything else to
 * {@link BcPem}: both paths must give the same key and certificate, and every failure keeps
 * BouncyCastle's message.
 */
class PemKeysPathsTest {
  private static KeyPair rsa;
  private static X509Certificate cert;
  @TempDir Path dir;

  @BeforeAll
  static void keys() throws Exception {
    rsa = io.hellgate.export.crypto.TestPki.rsa(2048);
    cert = io.hellgate.export.crypto.TestPki.selfSigned(rsa, "CN=recipient.export.example, O=Acme Payments GmbH, C=DE");
  }

  private Path write(String name, Object... pemObjects) throws Exception {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      for (Object o : pemObjects) {
        w.writeObject(o);
      }
    }
    return Files.writeString(dir.resolve(name), s.toString(), StandardCharsets.US_ASCII);
  }

  private static PemKeys.Loaded bc(Path file) throws Exception {
    return BcPem.read(Files.readString(file, StandardCharsets.US_ASCII), file, null);
  }

  @Test
  void jdkPathReadsWhatBouncyCastleReads() throws Exception {
    Path keyOnly = write("key.pem", new JcaPKCS8Generator(rsa.getPrivate(), null));
    Path certFirst = write("bundle.pem", cert, new JcaPKCS8Generator(rsa.getPrivate(), null));
    Path keyFirst = write("bundle2.pem", new JcaPKCS8Generator(rsa.getPrivate(), null), cert);
    for (Path p : new Path[] {keyOnly, certFirst, keyFirst}) {
      PemKeys.Loaded jdk = PemKeys.read(p, null);
      PemKeys.Loaded bc = bc(p);
      assertThat(jdk.key().getEncoded()).as(p.toString()).isEqualTo(bc.key().getEncoded());
      assertThat(jdk.certificate()).as(p.toString()).isEqualTo(bc.certificate());
    }
    assertThat(PemKeys.read(certFirst, null).certificate()).isEqualTo(cert);
    assertThat(PemKeys.readCertificate(certFirst)).isEqualTo(cert);
    assertThat(PemKeys.readCertificate(keyFirst)).isEqualTo(cert);
  }

  @Test
  void aNonRsaKeyStillGetsBouncyCastlesMessage() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(256);
    Path ec = write("ec.pem", new JcaPKCS8Generator(g.generateKeyPair().getPrivate(), null));
    assertThatThrownBy(() -> PemKeys.read(ec, null)).isInstanceOf(KeySourceException.class)
        .hasMessageContaining("export recipients need RSA");
  }

  @Test
  void aBrokenBlockStillGetsBouncyCastlesMessage() throws Exception {
    Path good = write("key.pem", new JcaPKCS8Generator(rsa.getPrivate(), null));
    String text = Files.readString(good);
    Path broken = Files.writeString(dir.resolve("broken.pem"), text.replace("-----END PRIVATE KEY-----", ""));
    assertThatThrownBy(() -> PemKeys.read(broken, null)).isInstanceOf(KeySourceException.class)
        .hasMessageContaining(broken.toString()).hasMessageNotContaining(text.substring(40, 80));
    Path garbled = Files.writeString(dir.resolve("garbled.pem"), text.replace(text.substring(60, 70), "!!!!!!!!!!"));
    assertThatThrownBy(() -> PemKeys.read(garbled, null)).isInstanceOf(KeySourceException.class);
  }
}
