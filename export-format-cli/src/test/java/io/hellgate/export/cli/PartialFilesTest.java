package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartialFilesTest {
  @TempDir Path dir;

  @Test
  void sweepDeletesOnlyRegularPartialFilesOfProcessesThatNoLongerRun() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    long deadPid = gone.pid();
    Path dead = Files.writeString(dir.resolve(PartialFiles.PREFIX + deadPid + "-123" + PartialFiles.SUFFIX), "plaintext");
    Path mine = PartialFiles.create(dir);
    Path alive = Files.writeString(dir.resolve(PartialFiles.PREFIX + ProcessHandle.current().parent().orElseThrow().pid() + "-1" + PartialFiles.SUFFIX), "x");
    Path notOurs = Files.writeString(dir.resolve(PartialFiles.PREFIX + "notapid-1" + PartialFiles.SUFFIX), "x");
    Path target = Files.writeString(dir.resolve("keep.txt"), "x");
    Path link = Files.createSymbolicLink(dir.resolve(PartialFiles.PREFIX + deadPid + "-9" + PartialFiles.SUFFIX), target);

    assertThat(PartialFiles.sweepStale(dir)).isEqualTo(1);
    assertThat(dead).doesNotExist();
    assertThat(mine).exists();
    assertThat(alive).exists();
    assertThat(notOurs).exists();
    assertThat(link).exists();
    assertThat(target).hasContent("x");
  }

  @Test
  void withoutReplaceAFileThatAppearedIsNeverReplaced() throws Exception {
    Path partial = Files.writeString(PartialFiles.create(dir), "new");
    Path target = Files.writeString(dir.resolve("out.jsonl"), "someone else's");
    assertThatThrownBy(() -> PartialFiles.moveIntoPlace(partial, target, false))
        .isInstanceOf(FileAlreadyExistsException.class).hasMessageContaining("--force");
    assertThat(target).hasContent("someone else's");
    PartialFiles.moveIntoPlace(partial, target, true);
    assertThat(target).hasContent("new");
    assertThat(partial).doesNotExist();
    Path second = Files.writeString(PartialFiles.create(dir), "second");
    Path fresh = dir.resolve("fresh.jsonl");
    PartialFiles.moveIntoPlace(second, fresh, false);
    assertThat(fresh).hasContent("second");
    assertThat(second).doesNotExist();
  }
}
