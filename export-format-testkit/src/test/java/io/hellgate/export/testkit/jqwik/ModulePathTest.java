package io.hellgate.export.testkit.jqwik;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tests run on the class path (where META-INF/services registers the provider: every
 * {@code @ForAll TokenRecord} here proves it). This test starts JVMs with the testkit on the
 * module path, where only module-info's {@code provides} counts and jqwik is {@code requires
 * static}: with jqwik, the service loader finds both providers and an arbitrary generates; without
 * jqwik, the module still resolves and the rest of the testkit works. And on a class path without
 * jqwik, the non-jqwik packages work.
 */
class ModulePathTest {
  @TempDir Path dir;

  /** The test class path's entries: this module's classes, core, crypto and their libraries. */
  static List<String> entries() {
    return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(e -> !e.contains("test-classes") && !e.contains("surefire"))
        .collect(Collectors.toList());
  }

  static boolean isJqwikOrJunit(String entry) {
    String name = Path.of(entry).getFileName().toString();
    return name.startsWith("jqwik") || name.startsWith("junit") || name.startsWith("opentest4j")
        || name.startsWith("apiguardian") || name.startsWith("assertj") || name.startsWith("byte-buddy");
  }

  /** What the module needs, plus (with jqwik) jqwik's api and engine and the JUnit Platform they need. */
  static String path(boolean withJqwik) {
    return entries().stream()
        .filter(e -> !isJqwikOrJunit(e) || (withJqwik && !Path.of(e).getFileName().toString().startsWith("assertj")
            && !Path.of(e).getFileName().toString().startsWith("byte-buddy") && !e.contains("jupiter")
            && !e.contains("platform-testkit") && !e.contains("platform-launcher")))
        .collect(Collectors.joining(File.pathSeparator));
  }

  String run(String source, String... options) throws Exception {
    Path main = dir.resolve("Check.java");
    Files.writeString(main, source);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(options));
    cmd.add(main.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s\n%s", cmd, out).isZero();
    return out;
  }

  static final String JQWIK_CHECK = String.join("\n",
      "import java.util.ServiceLoader;",
      "public class Check {",
      "  public static void main(String[] a) {",
      "    long services = ServiceLoader.load(net.jqwik.api.providers.ArbitraryProvider.class).stream()",
      "        .filter(p -> p.type().getName().startsWith(\"io.hellgate\")).count();",
      "    System.out.println(\"services \" + services);",
      "    var domain = new io.hellgate.export.testkit.jqwik.ExportDomain();",
      "    var provider = domain.getArbitraryProviders().iterator().next();",
      "    var type = net.jqwik.api.providers.TypeUsage.of(io.hellgate.export.TokenRecord.class);",
      "    System.out.println(\"domain provides TokenRecord \" + provider.canProvideFor(type));",
      "    System.out.println(\"formats \" + domain.getReportingFormats().size());",
      "    System.out.println(\"module \" + provider.getClass().getModule().getName());",
      "    System.out.println(\"pan \" + io.hellgate.export.testkit.jqwik.ExportArbitraries.testPans().sample().length());",
      "  }",
      "}");

  static final String PLAIN_CHECK = String.join("\n",
      "public class Check {",
      "  public static void main(String[] a) throws Exception {",
      "    System.out.println(\"jqwik \" + ModuleLayer.boot().findModule(\"net.jqwik.api\").isPresent());",
      "    System.out.println(\"module \" + io.hellgate.export.testkit.SyntheticRecords.class.getModule().getName());",
      "    var vectors = io.hellgate.export.testkit.golden.ConformanceSuite.vectors();",
      "    var report = io.hellgate.export.testkit.golden.ConformanceSuite.run(",
      "        io.hellgate.export.testkit.golden.ConformanceSuite.exportReader(), vectors.subList(0, 8));",
      "    report.assertPassed();",
      "    System.out.println(\"vectors \" + report.results().size() + \" of \" + vectors.size());",
      "  }",
      "}");

  /**
   * On the module path a named module's META-INF/services is not read, and module-info cannot
   * declare the provider (see onTheModulePathWithoutJqwik...): ExportDomain is the registration there.
   */
  @Test
  void onTheModulePathTheDomainRegistersTheProvidersAndArbitrariesGenerate() throws Exception {
    String out = run(JQWIK_CHECK, "--module-path", path(true), "--add-modules", "io.hellgate.export.testkit,net.jqwik.engine");
    assertThat(out).contains("services 0", "domain provides TokenRecord true", "formats 1", "module io.hellgate.export.testkit");
    assertThat(out).containsPattern("pan 1[2-9]");
  }

  /** Would fail with "does not read a module that exports net.jqwik.api" if module-info declared {@code provides} for jqwik's services. */
  @Test
  void onTheModulePathWithoutJqwikTheTestkitResolvesAndWorks() throws Exception {
    assertThat(path(false)).doesNotContain("jqwik");
    String out = run(PLAIN_CHECK, "--module-path", path(false), "--add-modules", "io.hellgate.export.testkit");
    assertThat(out).contains("jqwik false", "module io.hellgate.export.testkit").containsPattern("vectors 8 of [0-9]{2}");
  }

  @Test
  void onTheClassPathWithoutJqwikTheTestkitWorks() throws Exception {
    String out = run(PLAIN_CHECK, "-cp", path(false));
    assertThat(out).contains("jqwik false", "module null").containsPattern("vectors 8 of [0-9]{2}");
  }
}
