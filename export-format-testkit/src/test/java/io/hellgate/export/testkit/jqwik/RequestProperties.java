package io.hellgate.export.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hellgate.export.ExportFormatException;
import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportRequest;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.golden.GoldenKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/** Format 1.1 requests and scopes from the arbitraries: the JSON round trip, and scope on write and read. */
class RequestProperties {
  @Provide
  Arbitrary<ExportRequest> requests() {
    return ExportArbitraries.requests();
  }

  @Provide
  Arbitrary<List<TokenRecord>> records() {
    return ExportArbitraries.tokenRecords().list().ofMaxSize(8);
  }

  @Property(tries = 60)
  void aRequestSurvivesItsJson(@ForAll("requests") ExportRequest request) throws Exception {
    ExportRequest back = ExportRequest.fromJson(request.toJson());
    assertThat(back).isEqualTo(request);
    assertThat(back.recipientFingerprint()).isEqualTo(Recipient.unverified(GoldenKeys.recipientCertificate()).fingerprint());
  }

  /**
   * The writer refuses exactly the records outside the request's scope (and stays usable), and
   * the reader with checkScope reads back exactly the ones inside.
   */
  @Property(tries = 40)
  void theWriterKeepsExactlyTheRecordsInScope(@ForAll("requests") ExportRequest request, @ForAll("records") List<TokenRecord> records)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<TokenRecord> inScope = new ArrayList<>();
    try (ExportWriter w = ExportWriter.open(out, ExportWriter.options().recipient(Recipient.unverified(GoldenKeys.recipientCertificate()))
        .guardianInstance("contracts.testkit.example").request(request).build())) {
      for (TokenRecord r : records) {
        if (request.scope().includes(r)) {
          w.write(r);
          inScope.add(r);
        } else {
          assertThatThrownBy(() -> w.write(r)).isInstanceOfSatisfying(ExportFormatException.class,
              e -> assertThat(e.reason()).isEqualTo(ExportFormatException.Reason.RECORD_OUT_OF_SCOPE));
        }
      }
      w.finish();
    }
    List<TokenRecord> read = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(out.toByteArray()),
        ExportReader.options().key(GoldenKeys.recipientKey()).checkScope(true).build())) {
      assertThat(r.manifest().requestId()).contains(request.requestId());
      assertThat(r.manifest().scope()).contains(request.scope());
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        read.add(t);
      }
    }
    assertThat(read).isEqualTo(inScope);
    Statistics.label("in scope").collect(!inScope.isEmpty());
    Statistics.label("out of scope").collect(inScope.size() < records.size());
    // the arbitraries put records on both sides of the scope often enough to test both paths
    Statistics.label("in scope").coverage(c -> c.check(true).percentage(p -> p >= 5));
    Statistics.label("out of scope").coverage(c -> c.check(true).percentage(p -> p >= 5));
  }
}
