package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.TokenRecord;
import java.io.ByteArrayOutputStream;

/** The writer contract against this library's ExportWriter (here for the reason ExportReaderContractTest gives). */
class ExportWriterContractTest extends WriterContract {
  @Override
  protected Writer writer() {
    return (records, recipient) -> {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ExportWriter w = ExportWriter.open(out, ExportWriter.options()
          .recipient(Recipient.unverified(recipient)).guardianInstance("contracts.testkit.example").build())) {
        for (TokenRecord r : records) {
          w.write(r);
        }
        w.finish();
      }
      return out.toByteArray();
    };
  }
}
