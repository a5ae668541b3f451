package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.Card;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.golden.Layout;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.providers.ArbitraryProvider;
import net.jqwik.api.providers.TypeUsage;

/**
 * Makes {@code @ForAll TokenRecord}, {@code @ForAll Card}, {@code @ForAll Plaintext} and
 * {@code @ForAll Layout} work without a {@code @Provide} method, with the arbitraries of
 * {@link ExportArbitraries}. Registered in {@code META-INF/services}, so jqwik finds it when the
 * testkit is on the class path; on the module path, use {@link ExportDomain}. Users never call it.
 * ({@code Tampering} is an enum: jqwik generates every constant by itself.) Stateless and
 * thread-safe.
 *
 * <pre>{@code
 * @Property
 * void roundTrip(@ForAll List<TokenRecord> records) { ... }
 * }</pre>
 */
public final class ExportArbitraryProvider implements ArbitraryProvider {
  /** Called by jqwik's service loader. */
  public ExportArbitraryProvider() {}

  @Override
  public boolean canProvideFor(TypeUsage targetType) {
    return targetType.isOfType(TokenRecord.class) || targetType.isOfType(Card.class)
        || targetType.isOfType(Plaintext.class) || targetType.isOfType(Layout.class);
  }

  @Override
  public Set<Arbitrary<?>> provideFor(TypeUsage targetType, SubtypeProvider subtypeProvider) {
    if (targetType.isOfType(TokenRecord.class)) {
      return Set.of(ExportArbitraries.tokenRecords());
    }
    if (targetType.isOfType(Card.class)) {
      return Set.of(ExportArbitraries.cards());
    }
    if (targetType.isOfType(Plaintext.class)) {
      return Set.of(ExportArbitraries.plaintexts());
    }
    return Set.of(ExportArbitraries.layouts());
  }
}
