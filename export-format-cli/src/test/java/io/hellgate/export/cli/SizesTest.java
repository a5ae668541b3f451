package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SizesTest {
  @Test
  void parsesPlainAndSuffixedSizes() {
    assertThat(Sizes.parse("123")).isEqualTo(123);
    assertThat(Sizes.parse("64k")).isEqualTo(64L << 10);
    assertThat(Sizes.parse(" 256M ")).isEqualTo(256L << 20);
    assertThat(Sizes.parse("2g")).isEqualTo(2L << 30);
    assertThat(Sizes.parse("8589934591g")).isEqualTo(8589934591L << 30);
  }

  @Test
  void aSizeThatOverflowsIsAUsageErrorNotANegativeNumber() {
    assertThatThrownBy(() -> Sizes.parse("99999999999999g"))
        .isInstanceOf(ExportTool.UsageError.class).hasMessageContaining("'99999999999999g' is too large");
    assertThatThrownBy(() -> Sizes.parse("8589934592g")).isInstanceOf(ExportTool.UsageError.class);
    assertThatThrownBy(() -> Sizes.parse("lots")).isInstanceOf(ExportTool.UsageError.class).hasMessageContaining("not a size");
  }
}
