package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.golden.ConformanceSuite;
import io.hellgate.export.testkit.golden.Implementation;
import io.hellgate.export.testkit.golden.Layout;
import io.hellgate.export.testkit.golden.Tampering;
import io.hellgate.export.testkit.golden.Vector;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Provide;

/**
 * The properties every reader of the export format must have, as an abstract jqwik container: a
 * reader extends it and supplies one adapter, {@link #reader()}, the same {@link Implementation}
 * the conformance vectors run ({@link ConformanceSuite}); {@link io.hellgate.export.testkit.golden.ExternalReader}
 * adapts a reader in another language.
 *
 * <ul>
 *   <li>{@link #readsWhatTheReferenceWriterWrites}: records written by {@code ExportWriter} come
 *       back byte for byte;
 *   <li>{@link #releasesThePlaintextOfEveryLayout}: every tar and gzip layout a reader must accept
 *       ({@link Layout}), with every kind of plaintext ({@link Plaintext}: none, one, many records,
 *       lines of 1 MiB);
 *   <li>{@link #rejectsEveryTamperingWithItsReasonAndReleasesNothing}: every defect the golden
 *       vectors hold ({@link Tampering}), at a generated position, is rejected with its reason code,
 *       and nothing is released first;
 *   <li>{@link #rejectsAnExportForAnotherKey}: {@code wrong_key}, nothing released.
 * </ul>
 * A failure names the vector and what went wrong ({@code released 212 bytes before rejecting with
 * tampered_content}), and jqwik shrinks it to a small case. Archives are for the testkit's golden
 * test keys ({@link io.hellgate.export.testkit.golden.GoldenKeys}), which the adapter receives
 * with each {@link Vector}.
 *
 * <p>Tries: 40 per property by default; annotate the subclass with
 * {@code @PropertyDefaults(tries = ...)} to change them (a subprocess reader costs a process per try).
 * Not thread-safe: jqwik runs one property at a time per container.
 *
 * <pre>{@code
 * class MyReaderContractTest extends ReaderContract {
 *   @Override
 *   protected Implementation reader() {
 *     return vector -> MyReader.read(vector.archive(), vector.privateKey()); // returns an Outcome
 *   }
 * }
 * }</pre>
 */
@PropertyDefaults(tries = 40)
public abstract class ReaderContract {
  /** For subclasses. */
  protected ReaderContract() {}

  /**
   * The reader under test.
   *
   * @return an adapter that reads one vector's archive with its key and reports the outcome,
   *     including anything it released before rejecting ({@link Implementation.Outcome#rejectedAfterReleasing})
   */
  protected abstract Implementation reader();

  /**
   * Records written by the reference writer ({@code ExportWriter}) are released exactly as it wrote them.
   *
   * @param records up to 6 records from {@link ExportArbitraries#tokenRecords()}
   */
  @Property
  public void readsWhatTheReferenceWriterWrites(@ForAll("contractRecords") List<TokenRecord> records) throws Exception {
    Plaintext expected = Plaintext.of(records);
    check(Vector.valid("written by ExportWriter: " + expected, Plaintext.Reference.write(records), expected.bytes()));
  }

  /**
   * Every layout a reader must accept, with every kind of plaintext, releases exactly the plaintext.
   *
   * @param layout from {@link ExportArbitraries#layouts()}
   * @param plaintext from {@link ExportArbitraries#plaintexts()}
   */
  @Property
  public void releasesThePlaintextOfEveryLayout(@ForAll("contractLayouts") Layout layout, @ForAll("contractPlaintexts") Plaintext plaintext) {
    check(layout.pack(plaintext.bytes()));
  }

  /**
   * Every tampering kind at any position is rejected with its reason code, releasing nothing. Each
   * try applies up to three kinds at the same position to the same plaintext (a failure shrinks
   * to the one kind that fails).
   *
   * @param kinds the defects, each applied on its own
   * @param position where, reduced to each kind's range
   * @param plaintext the export's content
   */
  @Property
  public void rejectsEveryTamperingWithItsReasonAndReleasesNothing(
      @ForAll("contractTamperings") List<Tampering> kinds, @ForAll("contractPositions") int position,
      @ForAll("contractPlaintexts") Plaintext plaintext) {
    byte[] content = plaintext.bytes();
    Assume.that(kinds.stream().allMatch(k -> k.appliesTo(content)));
    for (Tampering kind : kinds) {
      check(kind.apply(content, position));
    }
  }

  /**
   * An export sealed to another certificate is rejected with {@code wrong_key}, releasing nothing.
   *
   * @param plaintext the export's content
   */
  @Property
  public void rejectsAnExportForAnotherKey(@ForAll("contractPlaintexts") Plaintext plaintext) {
    check(Tampering.WRONG_KEY.apply(plaintext.bytes(), 0));
  }

  // Named arbitraries, so the contract needs no provider registration (class path or module path).

  /** Up to 6 records from {@link ExportArbitraries#tokenRecords()}. */
  @Provide
  public Arbitrary<List<TokenRecord>> contractRecords() {
    return ExportArbitraries.tokenRecords().list().ofMaxSize(6);
  }

  /** {@link ExportArbitraries#plaintexts()}. */
  @Provide
  public Arbitrary<Plaintext> contractPlaintexts() {
    return ExportArbitraries.plaintexts();
  }

  /** {@link ExportArbitraries#layouts()}. */
  @Provide
  public Arbitrary<Layout> contractLayouts() {
    return ExportArbitraries.layouts();
  }

  /** One to three distinct kinds. */
  @Provide
  public Arbitrary<List<Tampering>> contractTamperings() {
    return ExportArbitraries.tamperings().list().ofMinSize(1).ofMaxSize(3).uniqueElements();
  }

  /** {@link ExportArbitraries#positions()}. */
  @Provide
  public Arbitrary<Integer> contractPositions() {
    return ExportArbitraries.positions();
  }

  private void check(Vector v) {
    ConformanceSuite.run(reader(), List.of(v)).assertPassed();
  }
}
