package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ExportRoundTripTest {
  @Test
  void readsBackWhatWasWritten() throws Exception {
    List<TokenRecord> records = IntStream.range(0, 100).mapToObj(Fixtures::record).collect(Collectors.toList());
    byte[] archive = Fixtures.writeArchive(Fixtures.writerOptions(), records);

    List<TokenRecord> read = new ArrayList<>();
    try (ExportReader r = ExportReader.open(new ByteArrayInputStream(archive), Fixtures.readerOptions())) {
      assertThat(r.manifest().recordCount()).isEqualTo(100);
      for (TokenRecord t; (t = r.nextRecord()) != null; ) {
        read.add(t);
      }
    }
    assertThat(read).isEqualTo(records);
  }
}
