package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole archive read path: gzip, the strict tar walk
 * ({@link ArchiveScanner}), the manifest, the key unwrap, both GCM passes, framing and record
 * validation ({@link ExportReader#open(java.io.InputStream, ExportReader.Options)}, {@link
 * ExportReader#verify()}, {@link ExportReader#nextLineBytes()}).
 *
 * <p><b>Property:</b> for any input the reader either verifies it and releases exactly
 * {@code record_count} lines, or fails with an {@link ExportFormatException} (which covers its
 * subtypes {@link UnsupportedVersionException}, {@link WrongKeyException} and {@link
 * AuthenticationFailedException}) whose message does not quote a digit run of the input. Any other
 * exception, an {@link OutOfMemoryError} or a {@link StackOverflowError} is a finding. An input not
 * starting with the gzip magic is gzipped first, so that mutations of a plain tar (seeds {@code
 * *.tar}) reach the tar layer without breaking the gzip CRC.
 *
 * <p>Seeds: the testkit's golden archives (tools/fuzz-seeds.py), encrypted to the golden recipient
 * key that the reader is given here. Runs on the seeds (and every committed finding) in every
 * build; {@code JAZZER_FUZZ=1} fuzzes (docs/security.md, "Fuzzing").
 */
class ArchiveReaderFuzzTest {
  private static final X509Certificate CERT = Fixtures.cert("golden/recipient-cert.pem");
  private static final PrivateKey KEY = Fixtures.key("golden/recipient-key.pem");
  private static final KeyUnwrapper RSA = RecipientKey.of(KEY, CERT).unwrapper();
  /** Unwrap results by wrapped key: real RSA-OAEP-256, done once per distinct wrapped key. */
  private static final Map<ByteBuffer, byte[]> UNWRAPPED = new ConcurrentHashMap<>();
  private static final byte[] FAILED = new byte[0];

  /** The golden key, with RSA results remembered: most mutants keep the wrapped key intact. */
  private static final KeyUnwrapper MEMOIZED =
      wrapped -> {
        ByteBuffer k = ByteBuffer.wrap(wrapped.clone());
        byte[] result = UNWRAPPED.get(k);
        if (result == null) {
          try {
            result = RSA.unwrap(wrapped);
          } catch (GeneralSecurityException e) {
            result = FAILED;
          }
          if (UNWRAPPED.size() > 4096) {
            UNWRAPPED.clear();
          }
          UNWRAPPED.put(k, result);
        }
        if (result == FAILED) {
          throw new GeneralSecurityException("unwrap failed");
        }
        return result.clone();
      };

  private static final ExportReader.Options OPTIONS =
      ExportReader.options()
          .key(RecipientKey.of(MEMOIZED, CERT))
          .maxDataBytes(1 << 20) // in memory (the spool threshold is 8 MiB): nothing on disk
          .build();

  @FuzzTest(maxDuration = "10s")
  void anyArchiveIsReadOrRejectedTyped(byte[] input) throws IOException {
    byte[] archive = input.length >= 2 && (input[0] & 0xff) == 0x1f && (input[1] & 0xff) == 0x8b ? input : gzip(input);
    try (ExportReader reader = ExportReader.open(new ByteArrayInputStream(archive), OPTIONS)) {
      reader.verify();
      long lines = 0;
      while (reader.nextLineBytes() != null) {
        lines++;
      }
      assertThat(lines).isEqualTo(reader.manifest().recordCount());
    } catch (ExportFormatException e) {
      FuzzChecks.messageQuotesNoDigits(e.getMessage(), input);
    }
  }

  /** The seeds reach the accepting path: the golden valid archives verify with the fuzzed options. */
  @org.junit.jupiter.api.Test
  void validGoldenSeedsVerifyWithTheFuzzTestsKey() throws IOException {
    String dir = "ArchiveReaderFuzzTestInputs/anyArchiveIsReadOrRejectedTyped/";
    for (String seed : new String[] {"seed-golden-valid-small.tgz", "seed-golden-valid-pax-headers.tar"}) {
      byte[] input;
      try (var in = ArchiveReaderFuzzTest.class.getResourceAsStream(dir + seed)) {
        input = in.readAllBytes();
      }
      byte[] archive = seed.endsWith(".tar") ? gzip(input) : input;
      try (ExportReader reader = ExportReader.open(new ByteArrayInputStream(archive), OPTIONS)) {
        reader.verify();
        assertThat(reader.manifest().recordCount()).as(seed).isEqualTo(3);
      }
    }
  }

  private static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length / 2 + 64);
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
