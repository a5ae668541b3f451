package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hellgate.export.internal.Fingerprints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * keygen --pkcs11 and --pkcs11 key loading against a real SoftHSM2 token; skipped when SoftHSM2 is
 * not installed. SoftHSM2 reads SOFTHSM2_CONF (set by surefire) once per JVM, so the token is
 * created before the library is first loaded.
 */
class Pkcs11CliTest {
  private static final String PIN = "2468-cli-pin";
  private static final String SUBJECT = "CN=hsm.cli.example, O=Acme Payments GmbH, C=DE";
  private static final String LIBRARY = "/usr/lib/softhsm/libsofthsm2.so";
  private static Path config;
  private static Path pinFile;
  private static X509Certificate issued;

  @TempDir static Path dir;

  @BeforeAll
  static void tokenWithAGeneratedKey() throws Exception {
    Path lib = Path.of(System.getenv().getOrDefault("SOFTHSM2_LIB", LIBRARY));
    assumeTrue(Files.isRegularFile(lib), "SoftHSM2 is not installed (no " + lib + "; set SOFTHSM2_LIB); skipping PKCS#11 CLI tests");
    String conf = System.getenv("SOFTHSM2_CONF");
    assumeTrue(conf != null, "SOFTHSM2_CONF is not set (surefire sets it); skipping PKCS#11 CLI tests");
    Path tokens = Files.createDirectories(dir.resolve("tokens"));
    Files.createDirectories(Path.of(conf).getParent());
    Files.writeString(Path.of(conf), "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n");
    Process init;
    try {
      init = new ProcessBuilder("softhsm2-util", "--init-token", "--free", "--label", "cli", "--pin", PIN, "--so-pin", "1357-so").redirectErrorStream(true).start();
    } catch (java.io.IOException e) {
      assumeTrue(false, "softhsm2-util is not on the PATH; skipping PKCS#11 CLI tests");
      return;
    }
    String out = new String(init.getInputStream().readAllBytes());
    assertThat(init.waitFor(60, TimeUnit.SECONDS)).isTrue();
    Matcher slot = Pattern.compile("reassigned to slot (\\d+)").matcher(out);
    assertThat(slot.find()).as(out).isTrue();
    config = Files.writeString(dir.resolve("hsm.cfg"), "name = cli\nlibrary = " + lib + "\nslot = " + slot.group(1) + "\n");
    pinFile = Files.writeString(dir.resolve("pin.txt"), PIN + "\n");

    Path csr = dir.resolve("hsm.csr");
    CliFixtures.Run r =
        CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--pkcs11", config.toString(), "--alias", "export-2026", "--bits", "2048", "--out-csr", csr.toString(), "--pass-file", pinFile.toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("never leaves the token");

    // The CA answers; the issued certificate replaces keygen's placeholder (what keytool -importcert does).
    issued = CliFixtures.issue(Files.readString(csr));
    Provider p = Security.getProvider("SunPKCS11").configure(config.toString());
    KeyStore ks = KeyStore.getInstance("PKCS11", p);
    ks.load(null, PIN.toCharArray());
    ks.setKeyEntry("export-2026", ks.getKey("export-2026", null), null, new Certificate[] {issued});
  }

  @Test
  void decryptsWithTheTokenKey() throws Exception {
    CliFixtures.Run r =
        CliFixtures.run(new CliFixtures.Host(), "--pkcs11", config.toString(), "--alias", "export-2026", "--pass-file", pinFile.toString(), CliFixtures.archive(dir, issued, 4).toString());
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("read 4 records");
    assertThat(r.all()).doesNotContain(PIN);
  }

  @Test
  void keygenRefusesAnExistingAlias() {
    CliFixtures.Run r =
        CliFixtures.run(new KeygenCommand(), "--subject", SUBJECT, "--pkcs11", config.toString(), "--alias", "export-2026", "--out-csr", dir.resolve("again.csr").toString(), "--pass-file", pinFile.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("already has an entry \"export-2026\"");
    assertThat(dir.resolve("again.csr")).doesNotExist();
  }

  @Test
  void missingAliasAndAnExportForAnotherCertificate() throws Exception {
    CliFixtures.Run missing = CliFixtures.run(new CliFixtures.Host(), "--pkcs11", config.toString(), "--alias", "nope", "--pass-file", pinFile.toString(), CliFixtures.archive(dir, issued, 1).toString());
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("no private key with alias \"nope\"").contains("export-2026");

    var other = io.hellgate.export.crypto.CertificateRequests.generateRsa(2048);
    X509Certificate otherCert = CliFixtures.issue(io.hellgate.export.crypto.CertificateRequests.createPem("CN=o, O=Other AG, C=CH", other));
    CliFixtures.Run wrong = CliFixtures.run(new CliFixtures.Host(), "--pkcs11", config.toString(), "--pass-file", pinFile.toString(), CliFixtures.archive(dir, otherCert, 1).toString());
    assertThat(wrong.code()).isEqualTo(2);
    assertThat(wrong.err()).contains("encrypted to " + Fingerprints.sha256(otherCert)).contains(Fingerprints.sha256(issued));
  }
}
