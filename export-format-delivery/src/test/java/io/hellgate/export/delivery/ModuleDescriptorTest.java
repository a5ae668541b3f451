package io.hellgate.export.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Tests run on the class path, so the module descriptor is checked directly. */
class ModuleDescriptorTest {
  @Test
  void exportsOnlyTheApiPackageUnqualified() throws Exception {
    ModuleDescriptor md;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      md = ModuleDescriptor.read(in);
    }
    assertThat(md.name()).isEqualTo("io.hellgate.export.delivery");
    assertThat(md.exports()).hasSize(1);
    ModuleDescriptor.Exports e = md.exports().iterator().next();
    assertThat(e.source()).isEqualTo("io.hellgate.export.delivery");
    assertThat(e.targets()).isEmpty();
    assertThat(Path.of("target/classes/io/hellgate/export/delivery/internal")).isDirectory(); // not exported
  }
}
