package io.hellgate.export.testkit.golden;

import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.ManifestSigner;
import io.hellgate.export.crypto.ManifestSignatures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The format 1.1 golden archives (docs/format.md section 13): a signed export with a request, and
 * one defect each for signatures and scope. Signed by {@code keys/signer-key.pem} (ECDSA P-256,
 * certificate {@code keys/signer-cert.pem} under {@code keys/signer-root-cert.pem}), or by the
 * untrusted {@code keys/untrusted-signer-*.pem}; pinned randomness, so the bytes repeat.
 */
final class FormatOneOneVectors {
  static final String REQUEST_ID = "REQ-GOLDEN-0001";
  /** Records 0 to 2 of {@link GoldenSet#record}: created 2023-10-01T12:00:00Z, +61 s, +122 s. */
  static final Instant FROM = Instant.parse("2023-10-01T00:00:00Z");
  static final Instant UNTIL = Instant.parse("2023-10-02T00:00:00Z");
  /** A scope end that leaves record 2 (created 12:02:02) outside. */
  static final String NARROW_UNTIL = "2023-10-01T12:02:00Z";

  private final Path dir;
  private final X509Certificate recipient;

  FormatOneOneVectors(Path dir, X509Certificate recipient) {
    this.dir = dir;
    this.recipient = recipient;
  }

  ExportRequest request() throws IOException {
    return ExportRequest.builder()
        .requestId(REQUEST_ID)
        .organization("Acme Payments GmbH")
        .clusterId("golden-cluster")
        .useCase("conformance vectors")
        .pciAttestation("AOC-GOLDEN-1", LocalDate.parse("2025-01-10"))
        .scope(ExportRequest.Scope.builder().createdFrom(FROM).createdUntil(UNTIL).system("golden").batch("v11").build())
        .recipientTeam("golden-team")
        .recipientContact("golden@acme.example")
        .pointOfContact("security@acme.example")
        .recipientCertificatePem(Files.readString(dir.resolve("keys/recipient-cert.pem"), StandardCharsets.US_ASCII))
        .build();
  }

  ManifestSigner signer(String prefix, String label) throws IOException, GeneralSecurityException {
    String pem = Files.readString(dir.resolve("keys/" + prefix + "-key.pem"), StandardCharsets.US_ASCII);
    byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    X509Certificate cert = Pem.certificate(Files.readAllBytes(dir.resolve("keys/" + prefix + "-cert.pem")));
    return ManifestSignatures.signer().key(key, cert).random(DeterministicRandom.fromLabel("golden/" + label + "/signature")).build();
  }

  /** Three records written with the request (and the signer, if not null). */
  byte[] write(String name, ManifestSigner signer) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportWriter.Options.Builder b = ExportWriter.options()
        .recipient(io.hellgate.export.Recipient.unverified(recipient))
        .guardianInstance(GoldenSet.GUARDIAN)
        .exportId(GoldenSet.exportId(name))
        .clock(java.time.Clock.fixed(GoldenSet.CREATED_AT, java.time.ZoneOffset.UTC))
        .random(DeterministicRandom.fromLabel("golden/" + name))
        .request(request())
        .signer(signer);
    try (ExportWriter w = ExportWriter.open(out, b.build())) {
      for (int i = 0; i < 3; i++) {
        w.write(GoldenSet.record(i));
      }
      w.finish();
    }
    return out.toByteArray();
  }

  /** The manifest and data entry of a writer-made archive (ustar, manifest first). */
  static byte[][] split(byte[] tgz) {
    byte[] tar;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(tgz))) {
      tar = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[][] out = new byte[2][];
    int pos = 0;
    for (int i = 0; i < 2; i++) {
      long size = Long.parseLong(new String(tar, pos + 124, 11, StandardCharsets.US_ASCII).trim(), 8);
      out[i] = Arrays.copyOfRange(tar, pos + 512, pos + 512 + (int) size);
      pos += 512 + (int) ((size + 511) / 512 * 512);
    }
    return out;
  }

  /** A writer-made archive with its manifest replaced (ustar, as the writer lays it out, gzip level 6). */
  static byte[] withManifest(byte[] tgz, String manifest) {
    byte[][] parts = split(tgz);
    List<ArchiveBytes.Entry> entries =
        ArchiveBytes.standard(manifest.getBytes(StandardCharsets.UTF_8), "tokens.jsonl.enc", parts[1]);
    return ArchiveBytes.gzip(ArchiveBytes.tar(entries, GoldenSet.CREATED_AT.getEpochSecond(), new byte[0]), null, 0);
  }

  static String manifest(byte[] tgz) {
    return new String(split(tgz)[0], StandardCharsets.UTF_8);
  }

  /** {@code unsigned} (a manifest without signature) with a signature member over exactly its bytes. */
  static String signed(String unsigned, ManifestSigner signer) throws IOException {
    byte[] sig = signer.sign(unsigned.getBytes(StandardCharsets.UTF_8), GoldenSet.CREATED_AT);
    int end = unsigned.lastIndexOf("\n}");
    return unsigned.substring(0, end) + ",\n  \"signature\": \"" + Base64.getEncoder().encodeToString(sig) + "\"\n}\n";
  }

  static String replaceOnce(String s, String from, String to) {
    int i = s.indexOf(from);
    if (i < 0 || s.indexOf(from, i + 1) >= 0) {
      throw new IllegalStateException("expected exactly one '" + from + "' in the manifest");
    }
    return s.substring(0, i) + to + s.substring(i + from.length());
  }
}
