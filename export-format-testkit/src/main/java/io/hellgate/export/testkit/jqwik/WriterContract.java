package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportManifest;
import io.hellgate.export.ExportReader;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.golden.GoldenKeys;
import java.io.ByteArrayInputStream;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;

/**
 * The properties every writer of the export format must have, as an abstract jqwik container: a
 * writer extends it and supplies one adapter, {@link #writer()}, that writes records to a
 * recipient certificate. Each written archive is read by the reference reader ({@code ExportReader},
 * which verifies everything before it releases a line):
 *
 * <ul>
 *   <li>{@link #referenceReaderReadsBackEveryRecord}: the records, unknown members included, come
 *       back equal, and the manifest's count matches;
 *   <li>{@link #onlyTheRecipientCanRead}: another key gets {@code wrong_key} and no line;
 *   <li>{@link #everyExportHasItsOwnKeyAndIv}: two exports of the same records never share the
 *       IV or the wrapped key (a writer with a fixed IV or key fails here).
 * </ul>
 * The recipient is the testkit's golden test certificate
 * ({@link GoldenKeys#recipientCertificate()}); a failure names the property and jqwik shrinks the
 * records to a small case, shown field by field with the PAN masked
 * ({@link TokenRecordReportingFormat}).
 *
 * <p>Tries: 40 per property by default; annotate the subclass with
 * {@code @PropertyDefaults(tries = ...)} to change them. Not thread-safe: jqwik runs one property
 * at a time per container.
 *
 * <pre>{@code
 * class MyWriterContractTest extends WriterContract {
 *   @Override
 *   protected Writer writer() {
 *     return (records, recipient) -> MyExportJob.write(records, recipient); // the .tgz bytes
 *   }
 * }
 * }</pre>
 */
@PropertyDefaults(tries = 40)
public abstract class WriterContract {
  /** The writer under test: one export of {@code records}, for {@code recipient}. */
  @FunctionalInterface
  public interface Writer {
    /**
     * Writes one export.
     *
     * @param records the records, in order
     * @param recipient the certificate to encrypt to
     * @return the archive bytes
     * @throws Exception if writing fails (the property fails)
     */
    byte[] write(List<TokenRecord> records, X509Certificate recipient) throws Exception;
  }

  /** For subclasses. */
  protected WriterContract() {}

  /**
   * The writer under test.
   *
   * @return the adapter
   */
  protected abstract Writer writer();

  /**
   * What is written is read back by the reference reader: equal records, in order, and the count.
   *
   * @param records up to 8 records
   */
  @Property
  public void referenceReaderReadsBackEveryRecord(@ForAll("contractRecords") List<TokenRecord> records) throws Exception {
    byte[] archive = writer().write(records, GoldenKeys.recipientCertificate());
    List<TokenRecord> read = new ArrayList<>();
    long count;
    try (ExportReader r = open(archive, GoldenKeys.recipientKey())) {
      count = r.manifest().recordCount();
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        read.add(t);
      }
    }
    if (!read.equals(records) || count != records.size()) {
      throw new AssertionError("the reference reader read back " + read.size() + " records (manifest: " + count
          + ") that differ from the " + records.size() + " written; first difference at index " + firstDifference(read, records));
    }
  }

  /**
   * Another key gets {@code wrong_key}, before any line.
   *
   * @param records up to 3 records
   */
  @Property
  public void onlyTheRecipientCanRead(@ForAll("fewContractRecords") List<TokenRecord> records) throws Exception {
    byte[] archive = writer().write(records, GoldenKeys.recipientCertificate());
    try (ExportReader r = open(archive, GoldenKeys.otherKey())) {
      String line = r.nextLine();
      throw new AssertionError("the other key read the export" + (line == null ? "" : " and got a line"));
    } catch (ExportFormatException e) {
      if (e.reason() != ExportFormatException.Reason.WRONG_KEY) {
        throw new AssertionError("the other key got " + e.reason().code() + ", expected wrong_key", e);
      }
    }
  }

  /**
   * Two exports of the same records have different IVs and different wrapped keys.
   *
   * @param records up to 3 records
   */
  @Property(tries = 10)
  public void everyExportHasItsOwnKeyAndIv(@ForAll("fewContractRecords") List<TokenRecord> records) throws Exception {
    ExportManifest a = manifest(writer().write(records, GoldenKeys.recipientCertificate()));
    ExportManifest b = manifest(writer().write(records, GoldenKeys.recipientCertificate()));
    if (Arrays.equals(a.iv(), b.iv())) {
      throw new AssertionError("two exports share their IV: with AES-GCM a repeated (key, IV) leaks the content and the tag key");
    }
    if (Arrays.equals(a.encryptedKey(), b.encryptedKey())) {
      throw new AssertionError("two exports share their wrapped data key: the data key or the OAEP seed is not fresh");
    }
  }

  /** Up to 8 records from {@link ExportArbitraries#tokenRecords()} (named: no provider registration needed). */
  @Provide
  public Arbitrary<List<TokenRecord>> contractRecords() {
    return ExportArbitraries.tokenRecords().list().ofMaxSize(8);
  }

  /** Up to 3 records. */
  @Provide
  public Arbitrary<List<TokenRecord>> fewContractRecords() {
    return ExportArbitraries.tokenRecords().list().ofMaxSize(3);
  }

  private static ExportReader open(byte[] archive, RecipientKey key) throws java.io.IOException {
    return ExportReader.open(new ByteArrayInputStream(archive), ExportReader.options().key(key).build());
  }

  private static ExportManifest manifest(byte[] archive) throws java.io.IOException {
    try (ExportReader r = open(archive, GoldenKeys.recipientKey())) {
      r.verify();
      return r.manifest();
    }
  }

  private static int firstDifference(List<TokenRecord> a, List<TokenRecord> b) {
    int i = 0;
    while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
      i++;
    }
    return i;
  }
}
