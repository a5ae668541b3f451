package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Tests run on the class path, so the module descriptor is checked directly. */
class ModuleDescriptorTest {
  @Test
  void exportsOnlyTheApiAndTheInternalPackageOnlyToCrypto() throws Exception {
    ModuleDescriptor md;
    try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
      md = ModuleDescriptor.read(in);
    }
    assertThat(md.name()).isEqualTo("io.hellgate.export.core");
    Map<String, Set<String>> exports = md.exports().stream()
        .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
    assertThat(exports).containsOnlyKeys("io.hellgate.export", "io.hellgate.export.internal");
    assertThat(exports.get("io.hellgate.export")).isEmpty(); // unqualified
    assertThat(exports.get("io.hellgate.export.internal")).containsExactly("io.hellgate.export.crypto");
  }
}
