package io.hellgate.export.testkit.jqwik;

import java.util.Collection;
import java.util.List;
import net.jqwik.api.SampleReportingFormat;
import net.jqwik.api.configurators.ArbitraryConfigurator;
import net.jqwik.api.domains.DomainContext;
import net.jqwik.api.providers.ArbitraryProvider;

/**
 * A jqwik domain with this package's provider and reporting format, for tests on the module path:
 * there the {@code META-INF/services} registration of a named module is not read, and this module
 * cannot declare {@code provides} for jqwik's service types without making jqwik mandatory. On the
 * class path (how Maven and Gradle usually run tests) nothing is needed. The contracts do not
 * depend on either: they name their arbitraries.
 *
 * <pre>{@code
 * @Domain(ExportDomain.class)
 * @Domain(DomainContext.Global.class) // keep jqwik's own arbitraries (lists, ints, ...)
 * class MyProperties {
 *   @Property
 *   void roundTrip(@ForAll TokenRecord record) { ... }
 * }
 * }</pre>
 */
public final class ExportDomain implements DomainContext {
  /** Called by jqwik. */
  public ExportDomain() {}

  @Override
  public Collection<ArbitraryProvider> getArbitraryProviders() {
    return List.of(new ExportArbitraryProvider());
  }

  @Override
  public Collection<ArbitraryConfigurator> getArbitraryConfigurators() {
    return List.of();
  }

  @Override
  public Collection<SampleReportingFormat> getReportingFormats() {
    return List.of(new TokenRecordReportingFormat());
  }
}
