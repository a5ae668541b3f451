package io.hellgate.export.cli;

import java.io.Console;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where a password or PIN comes from: {@code --pass-env NAME}, {@code --pass-file FILE}, or else a
 * prompt on the terminal without echo. Never from a command-line value, which other users can see
 * in the process list. Without a terminal (a pipe, CI, cron) the prompt fails at once with a message
 * naming the two options, instead of hanging.
 *
 * <p>A picocli mixin; used by {@link KeySourceOptions} and {@link KeygenCommand}. The returned
 * {@code char[]} belongs to the caller, who zeroes it.
 */
final class PasswordOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--pass-env",
      paramLabel = "NAME",
      description = "Read the password or PIN from environment variable NAME. With several keys: "
          + "one per key option, after it; a single one is shared by all keys.")
  java.util.List<String> passEnvs = new java.util.ArrayList<>();

  @Option(
      names = "--pass-file",
      paramLabel = "FILE",
      description = "Read the password or PIN from the first line of FILE. With several keys: "
          + "one per key option, after it; a single one is shared by all keys.")
  java.util.List<Path> passFiles = new java.util.ArrayList<>();

  /** Where one password comes from: an environment variable or a file (exactly one is set). */
  record Source(String env, Path file) {
    String option() {
      return env != null ? "--pass-env " + env : "--pass-file " + file;
    }
  }

  /** Environment lookup; replaceable in tests. */
  UnaryOperator<String> environment = System::getenv;

  /** Prompts without echo and returns the answer, or null without a terminal; replaceable in tests. */
  Function<String, char[]> prompter =
      prompt -> {
        Console console = System.console();
        return console == null ? null : console.readPassword("%s", prompt);
      };

  /** Whether --pass-env or --pass-file was given. */
  boolean configured() {
    return !passEnvs.isEmpty() || !passFiles.isEmpty();
  }

  /** The password or PIN from {@code source}. */
  char[] read(Source source) throws IOException {
    if (source.env() != null) {
      String value = environment.apply(source.env());
      if (value == null || value.isEmpty()) {
        throw new IOException("environment variable " + source.env() + " (--pass-env) is not set or empty");
      }
      return value.toCharArray();
    }
    return readFirstLine(source.file());
  }

  /**
   * The password or PIN for {@code what} (e.g. "key.pem"), from the configured source or a prompt.
   *
   * @throws ParameterException if both sources are given or there is no terminal to prompt on
   * @throws IOException if the file cannot be read or the variable is not set
   */
  char[] read(String what, boolean confirm) throws IOException {
    if (passEnvs.size() + passFiles.size() > 1) {
      throw usage("give the password with either --pass-env or --pass-file, not both, and once");
    }
    if (!passEnvs.isEmpty()) {
      return read(new Source(passEnvs.get(0), null));
    }
    if (!passFiles.isEmpty()) {
      return read(new Source(null, passFiles.get(0)));
    }
    String noun = what.startsWith("PKCS#11") ? "PIN" : "password";
    char[] answer = prompter.apply("Enter " + noun + " for " + what + ": ");
    if (answer == null) {
      throw usage(
          "no terminal to ask for the " + noun + " for " + what
              + ": give it with --pass-env NAME or --pass-file FILE");
    }
    if (confirm) {
      char[] again = prompter.apply("Repeat the " + noun + ": ");
      boolean same = again != null && Arrays.equals(answer, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(answer, '\0');
        throw usage("the two " + noun + "s do not match");
      }
    }
    return answer;
  }

  private static char[] readFirstLine(Path file) throws IOException {
    byte[] bytes;
    ExportTool.requireNotDirectory(file);
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IOException("password file " + file + " (--pass-file) does not exist", e);
    }
    CharBuffer chars = null;
    try {
      chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      int end = 0;
      while (end < chars.limit() && chars.get(end) != '\n' && chars.get(end) != '\r') {
        end++;
      }
      if (end == 0) {
        throw new IOException("password file " + file + " (--pass-file) is empty");
      }
      char[] password = new char[end];
      chars.get(password, 0, end);
      return password;
    } catch (CharacterCodingException e) {
      throw new IOException("password file " + file + " (--pass-file) is not UTF-8 text");
    } finally {
      Arrays.fill(bytes, (byte) 0);
      if (chars != null && chars.hasArray()) {
        Arrays.fill(chars.array(), '\0');
      }
    }
  }

  /**
   * Reads {@code what}'s password from {@code source}, or prompts (or fails without a terminal)
   * when it is null.
   */
  char[] readOrPrompt(Source source, String what) throws IOException {
    return source != null ? read(source) : prompt(what);
  }

  private char[] prompt(String what) throws IOException {
    String noun = what.startsWith("PKCS#11") ? "PIN" : "password";
    char[] answer = prompter.apply("Enter " + noun + " for " + what + ": ");
    if (answer == null) {
      throw usage(
          "no terminal to ask for the " + noun + " for " + what
              + ": give it with --pass-env NAME or --pass-file FILE");
    }
    return answer;
  }

  ParameterException usage(String message) {
    return new ParameterException(mixee.commandLine(), message);
  }
}
