package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code Path} target is written in place; its bytes must equal the {@code OutputStream} target's. */
class InPlaceArchiveTest {
  private static ExportWriter.Options pinned(String instance, long seed) {
    return ExportWriter.options()
        .recipient(Recipient.unverified(Fixtures.RECIPIENT_CERT))
        .guardianInstance(instance)
        .exportId(Fixtures.EXPORT_ID)
        .clock(Fixtures.CLOCK)
        .random(Fixtures.pinnedRandom(seed))
        .unvalidatedLines(true)
        .build();
  }

  /** Writes {@code lines} lines of {@code width} bytes each to both targets; returns whether the Path one copied. */
  private static boolean assertSameBytes(Path dir, String instance, int lines, int width) throws Exception {
    String line = "{\"id\":\"" + "x".repeat(Math.max(0, width - 10)) + "\"}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportWriter w = ExportWriter.open(out, pinned(instance, 3))) {
      for (int i = 0; i < lines; i++) {
        w.writeLine(line);
      }
      w.finish();
    }
    Path target = dir.resolve("export.tgz");
    boolean copied;
    try (ExportWriter w = ExportWriter.open(target, pinned(instance, 3))) {
      for (int i = 0; i < lines; i++) {
        w.writeLine(line);
      }
      w.finish();
      copied = w.copiedForTesting();
    }
    assertThat(Files.readAllBytes(target)).isEqualTo(out.toByteArray());
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(target);
    }
    return copied;
  }

  @Property(tries = 40)
  void pathTargetBytesEqualStreamTargetBytes(
      @ForAll @IntRange(max = 3000) int lines, @ForAll @IntRange(min = 10, max = 700) int width,
      @ForAll @IntRange(min = 1, max = 200) int instanceLength) throws Exception {
    Path dir = Files.createTempDirectory("in-place");
    try {
      assertSameBytes(dir, "g".repeat(instanceLength), lines, width);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  @Test
  void reservationThatDoesNotFitFallsBackToACopyWithTheSameBytes(@TempDir Path dir) throws Exception {
    // A one-digit count makes the manifest 10 bytes shorter than the reservation assumed: for some
    // guardian instance lengths that moves the manifest's end into an earlier 512-byte tar block.
    int copies = 0;
    int inPlace = 0;
    for (int length = 1; length <= 520; length++) {
      if (assertSameBytes(dir, "i".repeat(length), 300, 250)) {
        copies++;
      } else {
        inPlace++;
      }
    }
    assertThat(copies).as("instance lengths whose reservation did not fit").isBetween(1, 20);
    assertThat(inPlace).isGreaterThan(500);
  }

  @Test
  void exportsOfEveryStoredBlockPhaseRoundTrip(@TempDir Path dir) throws Exception {
    // Data sizes that end just before, on and after a 65,535-byte block boundary.
    for (int lines : new int[] {0, 1, 261, 262, 263, 524, 525}) {
      assertSameBytes(dir, "phase.on-hellgate.cloud", lines, 250);
    }
  }

  @Test
  void abandonedPathTargetLeavesNoFile(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("export.tgz");
    try (ExportWriter w = ExportWriter.open(target, Fixtures.writerOptions())) {
      for (int i = 0; i < 3000; i++) {
        w.write(Fixtures.record(i));
      }
      try (var files = Files.list(dir)) {
        Path partial = files.findFirst().orElseThrow();
        assertThat(partial.getFileName().toString()).startsWith(".export.tgz.").endsWith(".partial");
        assertThat(Files.getPosixFilePermissions(partial)).extracting(Object::toString)
            .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");
        assertThat(new String(Files.readAllBytes(partial), java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("411111");
      }
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    assertThatThrownBy(() -> Files.readAllBytes(target)).isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
  /** Regression: the rename replaced whatever was at the target (a link, a FIFO, a device node). */
  @Test
  void refusesATargetThatIsNotARegularFile(@TempDir Path dir) throws Exception {
    Path real = Files.writeString(dir.resolve("real.txt"), "keep");
    Path link = Files.createSymbolicLink(dir.resolve("link.tgz"), real);
    Path fifo = dir.resolve("fifo.tgz");
    new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor();
    Path sub = Files.createDirectory(dir.resolve("sub.tgz"));
    for (Path target : List.of(link, fifo, sub)) {
      assertThatThrownBy(() -> ExportWriter.open(target, Fixtures.writerOptions()))
          .as(target.toString())
          .isInstanceOf(java.nio.file.FileSystemException.class)
          .hasMessageContaining("not a regular file");
    }
    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("keep");
    assertThat(Files.isRegularFile(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    // and a link made while the export was written is not replaced either
    Path late = dir.resolve("late.tgz");
    try (ExportWriter w = ExportWriter.open(late, Fixtures.writerOptions())) {
      w.write(Fixtures.record(1));
      Files.createSymbolicLink(late, real);
      assertThatThrownBy(w::finish).isInstanceOf(java.nio.file.FileSystemException.class);
    }
    assertThat(Files.isSymbolicLink(late)).isTrue();
    assertThat(Files.readString(real)).isEqualTo("keep");
    assertThatThrownBy(() -> ExportWriter.open(Path.of("/"), Fixtures.writerOptions())).isInstanceOf(java.io.IOException.class);
  }

  /** Regression: the temporary name added ~26 characters, so long legal names failed. */
  @Test
  void longTargetNamesWork(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("x".repeat(240) + ".tgz");
    try (ExportWriter w = ExportWriter.open(target, Fixtures.writerOptions())) {
      w.write(Fixtures.record(1));
      w.finish();
    }
    assertThat(Files.size(target)).isPositive();
  }
}
