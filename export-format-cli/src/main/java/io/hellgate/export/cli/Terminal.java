package io.hellgate.export.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a standard stream is a terminal. {@link System#console()} cannot tell: it is null as soon
 * as standard input or output is redirected ({@code export-tool decrypt X > out.jsonl}), although
 * standard error still is a terminal. On Linux the answer comes from {@code /proc/self/fd/N}; elsewhere
 * only {@link System#console()} is known, which covers the case where nothing is redirected.
 */
final class Terminal {
  private Terminal() {}

  /** Whether file descriptor {@code fd} (0, 1 or 2) is a terminal; false when it cannot be told. */
  static boolean isTerminal(int fd) {
    if ("dumb".equals(System.getenv("TERM"))) {
      return false;
    }
    Path link = Path.of("/proc/self/fd/" + fd);
    try {
      String target = Files.readSymbolicLink(link).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }
}
