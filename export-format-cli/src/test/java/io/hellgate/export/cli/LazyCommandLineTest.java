package io.hellgate.export.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A data command's run builds picocli's model of that command only ({@link ExportTool#lazyCommandLine});
 * help, version and every parse error still come from the full model, with the same text. The
 * tool's own help and version come from its root and its subcommands' annotations alone
 * ({@link ExportTool#rootHelpCommandLine}), with the full model's text.
 */
class LazyCommandLineTest {
  private static CommandLineRun run(boolean full, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PrintWriter o = new PrintWriter(out, true);
    PrintWriter e = new PrintWriter(err, true);
    int status = full
        ? ExportTool.commandLine(o, e, new ByteArrayOutputStream(), InputStream.nullInputStream()).execute(args)
        : ExportTool.execute(args, o, e, new ByteArrayOutputStream(), InputStream.nullInputStream());
    return new CommandLineRun(status, out.toString(), err.toString());
  }

  record CommandLineRun(int status, String out, String err) {}

  private static picocli.CommandLine lazy(String... args) {
    return ExportTool.lazyCommandLine(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
        new ByteArrayOutputStream(), InputStream.nullInputStream());
  }

  @Test
  void aDataCommandBuildsOnlyItsOwnModel() {
    assertThat(lazy("verify", "x.tgz", "--key", "k.pem").getSubcommands()).containsOnlyKeys("verify");
    assertThat(lazy("decrypt", "x.tgz", "--key", "k.pem", "--out", "y").getSubcommands()).containsOnlyKeys("decrypt");
    assertThat(lazy("verify", "x.tgz", "--help")).isNull();
    assertThat(lazy("verify", "-qh")).isNull();
    assertThat(lazy("inspect", "-V")).isNull();
    assertThat(lazy("demo")).isNull();
    assertThat(lazy()).isNull();
  }

  @Test
  void parseErrorsAndHelpReadAsWithTheFullModel() {
    for (String[] args : new String[][] {
        {"verify", "x.tgz", "--no-such-option"}, {"verify", "--no-such-option"}, {"decrypt"}, {"encrypt", "--in"}, {"check-cert", "a", "b", "--bogus"},
        {"verify", "--help"}, {"inspect", "-h"}}) {
      CommandLineRun lazy = run(false, args);
      CommandLineRun full = run(true, args);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(full);
    }
    assertThat(run(false, "verify", "--help").out()).contains("Exit codes:").contains("--version");
    assertThat(run(false, "verify", "x.tgz", "--no-such-option").err()).contains("Unknown option").contains("Exit codes:");
  }

  @Test
  void rootHelpAndVersionBuildNoSubcommandModel() {
    picocli.CommandLine help = ExportTool.rootHelpCommandLine(new String[] {"--help"}, new PrintWriter(new StringWriter()),
        new PrintWriter(new StringWriter()));
    assertThat(help.getSubcommands()).containsKeys("verify", "decrypt", "demo", "bench");
    // only the inherited -h/-V: none of verify's own options was inspected
    assertThat(help.getSubcommands().get("verify").getCommandSpec().options())
        .extracting(o -> o.longestName()).containsExactlyInAnyOrder("--help", "--version");
    for (String[] args : new String[][] {{"verify", "--help"}, {"--help", "verify"}, {"-hV"}, {}, {"demo"}, {"--helpx"}}) {
      assertThat(ExportTool.rootHelpCommandLine(args, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())))
          .as(String.join(" ", args)).isNull();
    }
  }

  @Test
  void rootHelpAndVersionReadAsWithTheFullModel() {
    for (String[] args : new String[][] {{"--help"}, {"-h"}, {"--version"}, {"-V"}}) {
      CommandLineRun lazy = run(false, args);
      CommandLineRun full = run(true, args);
      assertThat(lazy).as(String.join(" ", args)).isEqualTo(full);
      assertThat(lazy.out()).isNotEmpty();
    }
    assertThat(run(false, "--help").out()).contains("Commands:").contains("verify ").contains("Exit codes:").contains("143");
  }

  @Test
  void rootHelpWithAnsiReadsAsWithTheFullModel() {
    for (picocli.CommandLine.Help.Ansi ansi : picocli.CommandLine.Help.Ansi.values()) {
      picocli.CommandLine stub = ExportTool.rootHelpCommandLine(new String[] {"-h"}, new PrintWriter(new StringWriter()),
          new PrintWriter(new StringWriter()));
      picocli.CommandLine full = ExportTool.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()),
          new ByteArrayOutputStream(), InputStream.nullInputStream());
      stub.setColorScheme(picocli.CommandLine.Help.defaultColorScheme(ansi));
      full.setColorScheme(picocli.CommandLine.Help.defaultColorScheme(ansi));
      assertThat(stub.getUsageMessage()).as(ansi.name()).isEqualTo(full.getUsageMessage());
    }
  }
}
