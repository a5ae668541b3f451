package io.hellgate.export.testkit.jqwik;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.SyntheticRecords;
import io.hellgate.export.testkit.TestSigner;
import io.hellgate.export.testkit.golden.ConformanceSuite;
import io.hellgate.export.testkit.golden.Implementation;
import io.hellgate.export.testkit.golden.Vector;
import io.hellgate.export.testkit.golden.WriterArchives;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/**
 * The properties of format 1.1 signatures (docs/format.md, section 13) every reader that supports
 * signer trust must have, as an abstract jqwik container: a reader extends it and supplies the same
 * adapter as for {@link ReaderContract}, an {@link Implementation} that, when
 * {@link Vector#signerTrustPem()} is present, requires a signature chaining to those anchors
 * ({@link ConformanceSuite#exportReader()} does; revocation is not exercised here).
 *
 * <ul>
 *   <li>{@link #verifiesAndReadsWhatASignedWriterWrites}: an export signed by a generated
 *       {@link TestSigner} (ECDSA P-256 or RSA-PSS 2048) verifies and releases its records byte
 *       for byte;
 *   <li>{@link #rejectsAManifestMemberChangedAfterSigning}: the same export with any one manifest
 *       member replaced, after signing, by the well-formed value another signed export has there
 *       ({@code created_at}, {@code iv}, {@code tag}, {@code checksum}, ...), is rejected with
 *       {@code signature_invalid}, releasing nothing;
 *   <li>{@link #rejectsAnUnsignedExportWhenTrustIsRequired}: {@code signature_missing}, releasing nothing.
 * </ul>
 * A failure names the signer and the member ({@code /encryption/iv}), shrunk to ECDSA and few
 * records. Signer keys are generated once per JVM ({@link ExportArbitraries#signers()}).
 *
 * <p>Tries: 10 per property by default (every try signs and verifies CMS); annotate the subclass
 * with {@code @PropertyDefaults(tries = ...)} to change them. Not thread-safe: jqwik runs one
 * property at a time per container.
 *
 * <pre>{@code
 * class MySignatureContractTest extends SignatureContract {
 *   @Override
 *   protected Implementation reader() {
 *     return vector -> MyReader.read(vector.archive(), vector.privateKey(), vector.signerTrustPem());
 *   }
 * }
 * }</pre>
 */
@PropertyDefaults(tries = 10)
public abstract class SignatureContract {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** For subclasses. */
  protected SignatureContract() {}

  /**
   * The reader under test.
   *
   * @return an adapter that reads one vector's archive with its key and, when the vector names
   *     signer trust anchors, requires a signature trusted by them
   */
  protected abstract Implementation reader();

  /**
   * An export signed by a generated signer verifies and releases exactly what was written.
   *
   * @param signer from {@link ExportArbitraries#signers()}
   * @param records up to 4 records from {@link ExportArbitraries#tokenRecords()}
   */
  @Property
  public void verifiesAndReadsWhatASignedWriterWrites(
      @ForAll("contractSigners") TestSigner signer, @ForAll("contractSignedRecords") List<TokenRecord> records) throws IOException {
    Plaintext expected = Plaintext.of(records);
    check(Vector.valid("signed by " + signer + ": " + expected, Plaintext.Reference.write(records, signer.signer()), expected.bytes())
        .withSignerTrust(signer.trustAnchorsPem()));
  }

  /**
   * Any one manifest member, changed after signing to the value another export by the same signer
   * has there (so the manifest stays well formed), is rejected with {@code signature_invalid}.
   *
   * @param signer from {@link ExportArbitraries#signers()}
   * @param records the export's records
   * @param member which of the members that differ between the two exports, modulo their number
   */
  @Property
  public void rejectsAManifestMemberChangedAfterSigning(
      @ForAll("contractSigners") TestSigner signer, @ForAll("contractSignedRecords") List<TokenRecord> records,
      @ForAll("contractMembers") int member) throws IOException {
    byte[] archive = Plaintext.Reference.write(records, signer.signer());
    List<TokenRecord> others = new ArrayList<>(records);
    others.add(SyntheticRecords.seeded(16).next()); // another count and checksum; fresh key, IV and tag anyway
    byte[] other = Plaintext.Reference.write(others, signer.signer());
    ObjectNode manifest = (ObjectNode) JSON.readTree(WriterArchives.manifest(archive));
    JsonNode otherManifest = JSON.readTree(WriterArchives.manifest(other));
    List<String> differing = new ArrayList<>();
    for (String pointer : leaves(manifest, "")) {
      if (!otherManifest.at(pointer).isMissingNode() && !otherManifest.at(pointer).equals(manifest.at(pointer))) {
        differing.add(pointer);
      }
    }
    if (differing.isEmpty()) {
      throw new IllegalStateException("two signed exports with different records have the same manifest members");
    }
    String pointer = differing.get(member % differing.size());
    int cut = pointer.lastIndexOf('/');
    JsonNode parent = manifest.at(pointer.substring(0, cut));
    String name = pointer.substring(cut + 1);
    if (parent.isArray()) {
      ((ArrayNode) parent).set(Integer.parseInt(name), otherManifest.at(pointer));
    } else {
      ((ObjectNode) parent).set(name, otherManifest.at(pointer));
    }
    byte[] changed = WriterArchives.withManifest(archive, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
    check(Vector.invalid("signed by " + signer + ", then manifest member " + pointer + " changed to " + otherManifest.at(pointer),
        changed, "signature_invalid").withSignerTrust(signer.trustAnchorsPem()));
  }

  /**
   * An unsigned export, read with signer trust anchors configured, is rejected with
   * {@code signature_missing}.
   *
   * @param signer whose trust anchors the reader is configured with
   * @param records the export's records
   */
  @Property
  public void rejectsAnUnsignedExportWhenTrustIsRequired(
      @ForAll("contractSigners") TestSigner signer, @ForAll("contractSignedRecords") List<TokenRecord> records) throws IOException {
    check(Vector.invalid("unsigned, " + Plaintext.of(records) + ", trust in " + signer, Plaintext.Reference.write(records),
        "signature_missing").withSignerTrust(signer.trustAnchorsPem()));
  }

  // Named arbitraries, so the contract needs no provider registration (class path or module path).

  /** {@link ExportArbitraries#signers()}. */
  @Provide
  public Arbitrary<TestSigner> contractSigners() {
    return ExportArbitraries.signers();
  }

  /** Up to 4 records from {@link ExportArbitraries#tokenRecords()}. */
  @Provide
  public Arbitrary<List<TokenRecord>> contractSignedRecords() {
    return ExportArbitraries.tokenRecords().list().ofMaxSize(4);
  }

  /** A member index, 0 to 63 (taken modulo the number of candidates). */
  @Provide
  public Arbitrary<Integer> contractMembers() {
    return Arbitraries.integers().between(0, 63);
  }

  /** JSON pointers of every scalar in {@code node}, the top-level {@code signature} member excepted. */
  private static List<String> leaves(JsonNode node, String pointer) {
    List<String> out = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(n -> {
        if (!(pointer.isEmpty() && n.equals("signature"))) {
          out.addAll(leaves(node.get(n), pointer + "/" + n));
        }
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        out.addAll(leaves(node.get(i), pointer + "/" + i));
      }
    } else {
      out.add(pointer);
    }
    return out;
  }

  private void check(Vector v) {
    ConformanceSuite.run(reader(), List.of(v)).assertPassed();
  }
}
