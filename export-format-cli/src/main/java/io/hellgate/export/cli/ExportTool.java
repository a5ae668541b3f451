package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code export-tool}: write, read, verify and inspect encrypted PCI token exports.
 *
 * <p>Exit status: 0 success; 1 the archive or certificate was rejected (tampered, wrong key,
 * policy); 2 usage or I/O error.
 */
@Command(
    name = "export-tool",
    mixinStandardHelpOptions = true,
    version = "export-tool 0.1.0 (format 1.0)",
    description = "Encrypted PCI token exports (format 1.0): write, read, verify, inspect.",
    subcommands = {
      DemoCommand.class,
      CheckCertCommand.class,
      KeygenCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      VerifyCommand.class,
      InspectCommand.class,
      BenchCommand.class
    })
public final class ExportTool implements Runnable {
  /** Exit status: accepted / success. */
  static final int OK = 0;
  /** Exit status: the archive or certificate was rejected. */
  static final int REJECTED = 1;
  /** Exit status: usage or I/O error. */
  static final int USAGE_OR_IO = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** A configured command line, so tests run exactly what users run. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new ExportTool());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          if (ex instanceof ExportFormatException) {
            ExportFormatException fe = (ExportFormatException) ex;
            e.println("rejected [" + fe.reason().code() + "]: " + fe.getMessage());
            e.flush();
            return REJECTED;
          }
          if (ex instanceof Rejected) {
            e.println("rejected: " + ex.getMessage());
            e.flush();
            return REJECTED;
          }
          if (ex instanceof picocli.CommandLine.ParameterException || ex instanceof UsageError) {
            e.println("usage: " + ex.getMessage());
          } else if (ex instanceof java.nio.file.FileSystemException) {
            e.println("error: " + describe((java.nio.file.FileSystemException) ex));
          } else if (ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
              || ex instanceof IllegalStateException) {
            e.println("error: " + ex.getMessage());
          } else {
            e.println("error: " + ex);
          }
          e.flush();
          return USAGE_OR_IO;
        });
    return cl;
  }

  /** Runs the tool. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int status = commandLine(out, err).execute(args);
    out.flush();
    System.exit(status);
  }

  /**
   * A file system error as "what: which file": {@link java.nio.file.FileSystemException#getMessage()}
   * is only the file name when the JDK gives no reason (permission denied, for one).
   */
  static String describe(java.nio.file.FileSystemException ex) {
    String file = ex.getFile() == null ? "?" : ex.getFile();
    String target = ex.getOtherFile() == null ? file : file + " -> " + ex.getOtherFile();
    if (ex instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + target;
    }
    if (ex instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + target;
    }
    String reason = ex.getReason() != null ? ex.getReason() : ex.getClass().getSimpleName();
    return target + ": " + reason;
  }

  /** A usage error found after parsing (an option value that cannot work): exit status 2. */
  static final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageError(String message) {
      super(message);
    }
  }

  /** A rejection that is not an {@link ExportFormatException}: exit status 1. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String message) {
      super(message);
    }
  }
}
