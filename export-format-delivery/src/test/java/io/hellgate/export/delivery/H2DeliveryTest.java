package io.hellgate.export.delivery;

import java.nio.file.Path;

/** The delivery contract on the embedded default: H2 in file mode. */
class H2DeliveryTest extends DeliveryContract {
  @Override
  Database database(Path dir) {
    return new Database("jdbc:h2:file:" + dir.resolve("delivery-db").toAbsolutePath(), null, null);
  }
}
