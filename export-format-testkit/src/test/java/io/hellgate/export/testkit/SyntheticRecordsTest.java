package io.hellgate.export.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.hellgate.export.TokenRecord;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SyntheticRecordsTest {
  @Property(tries = 200)
  void everyPanIsLuhnValidAndUsesATestPrefix(@ForAll @LongRange(min = 0, max = 1_000_000) long seed) {
    SyntheticRecords gen = SyntheticRecords.seeded(seed);
    for (int i = 0; i < 20; i++) {
      String pan = gen.next().card().accountNumber();
      assertThat(SyntheticRecords.isLuhnValid(pan)).as("Luhn").isTrue();
      assertThat(pan).matches("(411111|555555|378282|601111)\\d+");
    }
  }

  @Test
  void sameSeedGivesSameRecords() {
    TokenRecord a = SyntheticRecords.seeded(7).next();
    TokenRecord b = SyntheticRecords.seeded(7).next();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void luhnCompletesKnownTestNumber() {
    assertThat(SyntheticRecords.luhnComplete("411111111111111")).isEqualTo("4111111111111111");
    assertThat(SyntheticRecords.isLuhnValid("4111111111111112")).isFalse();
  }
}
