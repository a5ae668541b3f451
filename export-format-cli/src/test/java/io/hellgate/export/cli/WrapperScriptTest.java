package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code export-tool} wrapper script at the repository root. */
class WrapperScriptTest {
  @TempDir Path dir;

  /** Stands in for export-tool.jar: prints where it runs from. */
  public static final class Probe {
    public static void main(String[] args) {
      System.out.println("probe " + String.join(" ", args));
    }
  }

  /** Stands in for export-tool.jar: prints the JVM options it was started with, one per line. */
  public static final class JvmProbe {
    public static void main(String[] args) {
      java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(System.out::println);
    }
  }

  @Test
  void setsHeapAndGcAndC1OnlyForHelp() throws Exception {
    Path copy = fakeCheckout(JvmProbe.class);
    String data = run(copy, null, "verify", "x.tgz");
    assertThat(data.lines()).contains("-Xmx96m", "-XX:+UseSerialGC").doesNotContain("-XX:TieredStopAtLevel=1");
    assertThat(data.lines().filter(l -> l.startsWith("-Dexport.tool.launcher="))).hasSize(1);
    assertThat(run(copy, null, "--help").lines()).contains("-XX:TieredStopAtLevel=1");
    assertThat(run(copy, null, "verify", "-h").lines()).contains("-XX:TieredStopAtLevel=1");
    // The caller's options come last (so its -Xmx wins) and a GC named there replaces SerialGC.
    java.util.List<String> own = run(copy, "-Xmx512m -XX:+UseParallelGC", "verify", "x.tgz").lines().toList();
    assertThat(own).doesNotContain("-XX:+UseSerialGC").contains("-XX:+UseParallelGC");
    assertThat(own.indexOf("-Xmx512m")).isGreaterThan(own.indexOf("-Xmx96m"));
  }

  @Test
  void usesTheClassDataArchiveOnlyWhenItIsNewerThanTheJar() throws Exception {
    Path copy = fakeCheckout(JvmProbe.class);
    Path target = copy.resolveSibling("export-format-cli/target");
    Path jsa = target.resolve("export-tool.jsa");
    // Not an archive at all: the JVM must run without it, silently (stdout is only the probe's).
    Files.write(jsa, new byte[] {1, 2, 3});
    Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().plusSeconds(60)));
    String[] newer = runSeparately(copy, java.util.Map.of(), "verify", "x.tgz");
    assertThat(newer[0].lines()).contains("-XX:SharedArchiveFile=" + jsa, "-Xlog:cds=off", "-Xmx96m")
        .allMatch(l -> l.startsWith("-"));
    assertThat(newer[1]).isEmpty();
    Files.setLastModifiedTime(jsa, FileTime.from(Instant.now().minusSeconds(3600)));
    assertThat(run(copy, null, "verify", "x.tgz")).doesNotContain("SharedArchiveFile");
  }

  @Test
  void aBuildMakesTheClassDataArchiveThatLaterRunsUse() throws Exception {
    Path copy = fakeCheckout(JvmProbe.class);
    Path target = copy.resolveSibling("export-format-cli/target");
    Files.delete(target.resolve(".export-tool.built")); // so the script builds: with a Maven that does nothing
    Path bin = Files.createDirectory(dir.resolve("fake-bin"));
    Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexit 0\n");
    assertThat(mvn.toFile().setExecutable(true)).isTrue();
    String path = bin + java.io.File.pathSeparator + System.getenv("PATH");
    // An old jar, so that the archive is newer even where timestamps have whole seconds.
    Files.setLastModifiedTime(target.resolve("export-tool.jar"), FileTime.from(Instant.now().minusSeconds(60)));
    String first = run(copy, null, java.util.Map.of("PATH", path), "verify", "x.tgz");
    assertThat(first).contains("building with Maven");
    assertThat(target.resolve("export-tool.jsa")).isNotEmptyFile();
    try (java.util.stream.Stream<Path> left = Files.list(target)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("export-tool.jsa."));
    }
    assertThat(first.lines()).contains("-XX:SharedArchiveFile=" + target.resolve("export-tool.jsa"));
    String second = run(copy, null, java.util.Map.of("PATH", path), "verify", "x.tgz");
    assertThat(second).doesNotContain("building with Maven");
    assertThat(second.lines()).contains("-XX:SharedArchiveFile=" + target.resolve("export-tool.jsa"));
  }

  @Test
  void aBuildWhoseArchiveCannotBeMadeStillRunsTheCommand() throws Exception {
    Path copy = fakeCheckout(JvmProbe.class);
    Path target = copy.resolveSibling("export-format-cli/target");
    Files.delete(target.resolve(".export-tool.built"));
    Path bin = Files.createDirectory(dir.resolve("fake-bin"));
    Path mvn = Files.writeString(bin.resolve("mvn"), "#!/bin/sh\nexit 0\n");
    assertThat(mvn.toFile().setExecutable(true)).isTrue();
    java.util.Map<String, String> env = java.util.Map.of(
        "PATH", bin + java.io.File.pathSeparator + System.getenv("PATH"),
        "TMPDIR", dir.resolve("no-such-directory").toString()); // mktemp fails
    String[] out = runSeparately(copy, env, "verify", "x.tgz");
    assertThat(out[0].lines()).contains("-Xmx96m").noneMatch(l -> l.contains("SharedArchiveFile"));
    assertThat(out[1]).contains("building with Maven");
    assertThat(target.resolve("export-tool.jsa")).doesNotExist();
  }

  /** Runs the script; returns its stdout and its stderr, apart; fails unless it exits with 0. */
  private String[] runSeparately(Path script, java.util.Map<String, String> env, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(script.toString()));
    command.addAll(java.util.List.of(args));
    Path stderr = dir.resolve("stderr-" + System.nanoTime());
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectError(stderr.toFile());
    pb.environment().remove("EXPORT_TOOL_JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String errors = Files.readString(stderr);
    assertThat(p.exitValue()).as(output + errors).isZero();
    return new String[] {output, errors};
  }

  private String run(Path script, String javaOpts, String... args) throws Exception {
    return run(script, javaOpts, java.util.Map.of(), args);
  }

  private String run(Path script, String javaOpts, java.util.Map<String, String> env, String... args) throws Exception {
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(script.toString()));
    command.addAll(java.util.List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().putAll(env);
    if (javaOpts != null) {
      pb.environment().put("EXPORT_TOOL_JAVA_OPTS", javaOpts);
    } else {
      pb.environment().remove("EXPORT_TOOL_JAVA_OPTS");
    }
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }

  /**
   * A checkout with the script and a built jar whose main class is {@code main} (its stamp newer
   * than any source, so the script does not build); returns the script's copy.
   */
  private Path fakeCheckout(Class<?> main) throws Exception {
    Path script = Path.of("..", "export-tool").toAbsolutePath().normalize();
    assertThat(script).exists();
    Path repo = Files.createDirectory(dir.resolve("repo"));
    Path copy = Files.copy(script, repo.resolve("export-tool"));
    Path target = Files.createDirectories(repo.resolve("export-format-cli/target"));
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    String classFile = main.getName().replace('.', '/') + ".class";
    try (OutputStream os = Files.newOutputStream(target.resolve("export-tool.jar"));
        JarOutputStream jar = new JarOutputStream(os, mf);
        InputStream in = main.getResourceAsStream("/" + classFile)) {
      jar.putNextEntry(new JarEntry(classFile));
      in.transferTo(jar);
      jar.closeEntry();
    }
    Path stamp = Files.createFile(target.resolve(".export-tool.built"));
    Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().plusSeconds(3600)));
    return copy;
  }

  @Test
  void runsWhenSymlinkedOntoThePath() throws Exception {
    Path script = Path.of("..", "export-tool").toAbsolutePath().normalize();
    assertThat(script).exists();
    // A checkout with a built jar (and its stamp newer than any source), so the script does not build.
    Path repo = Files.createDirectory(dir.resolve("repo"));
    Path copy = Files.copy(script, repo.resolve("export-tool"));
    Path target = Files.createDirectories(repo.resolve("export-format-cli/target"));
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Probe.class.getName());
    String classFile = Probe.class.getName().replace('.', '/') + ".class";
    try (OutputStream os = Files.newOutputStream(target.resolve("export-tool.jar"));
        JarOutputStream jar = new JarOutputStream(os, mf);
        InputStream in = Probe.class.getResourceAsStream("/" + classFile)) {
      jar.putNextEntry(new JarEntry(classFile));
      in.transferTo(jar);
      jar.closeEntry();
    }
    Path stamp = Files.createFile(target.resolve(".export-tool.built"));
    Files.setLastModifiedTime(stamp, FileTime.from(Instant.now().plusSeconds(3600)));

    Path bin = Files.createDirectory(dir.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("export-tool"), copy);
    Process p = new ProcessBuilder(bin.resolve("export-tool").toString(), "--version")
        .directory(dir.toFile()).redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo("probe --version\n");
  }
}
