package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format outside the JVM: python3 with the {@code cryptography} package decrypts what the writer
 * produced, and the reader reads what Python's tarfile and {@code cryptography} produced. Skipped
 * with a message when python3 or cryptography is missing.
 */
class PythonInteropTest {
  @TempDir static Path dir;

  @BeforeAll
  static void requirePython() throws Exception {
    int status;
    try {
      Process p = new ProcessBuilder("python3", "-c", "import cryptography").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      status = p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (java.io.IOException e) {
      status = -1;
    }
    assumeTrue(status == 0, "skipped: python3 with the 'cryptography' package is not available");
    for (String f : new String[] {"decrypt_export.py", "make_export.py"}) {
      Files.write(dir.resolve(f), Fixtures.class.getResourceAsStream("/interop/" + f).readAllBytes());
    }
    for (String f : new String[] {"recipient-key.pem", "recipient-cert.pem"}) {
      Files.write(dir.resolve(f), Fixtures.resource(f));
    }
  }

  private static byte[] run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread err = new Thread(() -> {
      try {
        System.err.write(p.getErrorStream().readAllBytes());
      } catch (java.io.IOException ignored) {
        // best effort
      }
    });
    err.start();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    err.join();
    assertThat(p.exitValue()).as(String.join(" ", command)).isZero();
    return out.toByteArray();
  }

  @Test
  void pythonDecryptsWhatTheWriterProduced() throws Exception {
    List<TokenRecord> records = IntStream.range(0, 500).mapToObj(Fixtures::record).collect(Collectors.toList());
    Path archive = dir.resolve("java-made.tgz");
    StringBuilder expected = new StringBuilder();
    try (ExportWriter w = ExportWriter.open(archive, Fixtures.writerOptions())) {
      for (TokenRecord r : records) {
        w.write(r);
      }
      String unicode = "{\"id\":\"ü-1\",\"card\":{\"cardholder_name\":\"Zoë 山田 \\ud83d\\ude00\",\"expiry_month\":2,"
          + "\"expiry_year\":2031,\"account_number\":\"5555555555554444\"},\"created_at\":\"2024-02-29T23:59:59Z\",\"x\":{\"y\":[null]}}";
      w.writeLine(unicode);
      w.finish();
      try (ExportReader r = ExportReader.open(archive, Fixtures.readerOptions())) {
        for (String l; (l = r.nextLine()) != null; ) {
          expected.append(l).append('\n');
        }
      }
    }
    byte[] plaintext = run("python3", "decrypt_export.py", "java-made.tgz", "recipient-key.pem");
    assertThat(new String(plaintext, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }

  @Test
  void readerReadsWhatPythonProduced() throws Exception {
    List<TokenRecord> records = IntStream.range(0, 200).mapToObj(Fixtures::record).collect(Collectors.toList());
    StringBuilder jsonl = new StringBuilder();
    for (TokenRecord r : records) {
      com.fasterxml.jackson.core.util.ByteArrayBuilder b = new com.fasterxml.jackson.core.util.ByteArrayBuilder();
      RecordCodec.write(r, b);
      jsonl.append(new String(b.toByteArray(), StandardCharsets.UTF_8)).append('\n');
    }
    Files.writeString(dir.resolve("tokens.jsonl"), jsonl.toString());
    run("python3", "make_export.py", "recipient-cert.pem", "tokens.jsonl", "python-made.tgz");
    List<TokenRecord> read = new ArrayList<>();
    try (ExportReader r = ExportReader.open(dir.resolve("python-made.tgz"), Fixtures.readerOptions())) {
      assertThat(r.manifest().guardianInstance()).isEqualTo("python.on-hellgate.cloud");
      assertThat(r.manifest().recipientFingerprint()).isEqualTo(Fixtures.recipientFingerprint());
      assertThat(r.manifest().recipientSubject()).isEqualTo("CN=recipient.export.example, O=Acme Payments GmbH, C=DE");
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        read.add(t);
      }
    }
    assertThat(read).isEqualTo(records);
  }

  @Test
  void serialAndFingerprintMatchPythonsView() throws Exception {
    byte[] out = run("python3", "-c",
        "from cryptography import x509; from cryptography.hazmat.primitives import hashes\n"
            + "c = x509.load_pem_x509_certificate(open('recipient-cert.pem','rb').read())\n"
            + "n = c.serial_number; b = n.to_bytes(max(1,(n.bit_length()+7)//8), 'big')\n"
            + "print(':'.join(f'{x:02x}' for x in b)); print(':'.join(f'{x:02x}' for x in c.fingerprint(hashes.SHA256())))");
    String[] lines = new String(out, StandardCharsets.UTF_8).trim().split("\n");
    assertThat(io.hellgate.export.internal.Fingerprints.serial(Fixtures.RECIPIENT_CERT.getSerialNumber())).isEqualTo(lines[0]);
    assertThat(Fixtures.recipientFingerprint()).isEqualTo("sha256:" + lines[1]);
  }
}
