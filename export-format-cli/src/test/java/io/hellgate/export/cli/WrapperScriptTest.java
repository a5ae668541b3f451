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
