package io.hellgate.export.testkit.golden;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** docs/format.md, section 12, must show the committed golden archive valid-small as it is. */
class FormatDocExampleTest {
  static final Path DOC = Path.of("..", "docs", "format.md");

  @Test
  void workedExampleMatchesTheGoldenArchive() throws Exception {
    assumeTrue(Files.isRegularFile(DOC), "skipped: " + DOC.toAbsolutePath() + " is absent");
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    String example = doc.substring(doc.indexOf("## 12. Worked example"));
    List<String> blocks = jsonBlocks(example);
    assertThat(blocks).hasSizeGreaterThanOrEqualTo(2);

    byte[] archive = GoldenArchivesTest.resource("archives/valid-small.tgz");
    byte[] tar = new GZIPInputStream(new ByteArrayInputStream(archive)).readAllBytes();
    int manifestSize = Integer.parseInt(new String(tar, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
    String manifest = new String(tar, 512, manifestSize, StandardCharsets.UTF_8);
    assertThat(blocks.get(0)).isEqualTo(manifest);

    String plaintext = new String(GoldenArchivesTest.resource("plaintext/valid-small.jsonl"), StandardCharsets.UTF_8);
    assertThat(blocks.get(1)).isEqualTo(plaintext.substring(0, plaintext.indexOf('\n') + 1));

    assertThat(example).contains(String.format("%,d bytes)", archive.length));
    assertThat(example).contains(String.format("%,d-byte tar", tar.length));
    assertThat(example).contains("= " + manifestSize + " bytes");
  }

  /** The contents of the ```json fenced blocks, each with its final newline. */
  static List<String> jsonBlocks(String text) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int start = text.indexOf("```json\n", from);
      if (start < 0) {
        return out;
      }
      int end = text.indexOf("```\n", start + 8);
      out.add(text.substring(start + 8, end));
      from = end + 4;
    }
  }
}
