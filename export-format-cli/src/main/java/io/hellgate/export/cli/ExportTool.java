package io.hellgate.export.cli;

import io.hellgate.export.ExportFormatException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code export-tool}: write, read, verify and inspect encrypted PCI token exports.
 *
 * <p>Exit status: 0 success; 1 the archive, certificate or input was rejected (tampered, wrong
 * key, policy, malformed record); 2 usage or I/O error (including a failed write to standard
 * output).
 */
@Command(
    name = "export-tool",
    // -h/--help and -V/--version on every subcommand too
    scope = CommandLine.ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = ExportTool.Version.class,
    description = {
      "Encrypted PCI token exports (formats 1.0 and 1.1): write, read, verify, inspect.",
      "Exit code: 0 success, 1 rejected (tampered, wrong key, policy,",
      "malformed record), 2 usage or I/O error.",
      "A FILE given as - is standard input or output."
    },
    // Inherited by every subcommand (scope INHERIT): shown in each --help and man page.
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success (accepted, written, verified)",
      "1:rejected: tampered, wrong key, certificate policy, malformed archive or record; nothing was released or written",
      "2:usage or I/O error (bad option, missing or existing file without --force, full disk, closed pipe)",
      "130:interrupted (Ctrl-C, SIGINT): no output is left under the target name, nor a temporary file",
      "137:killed (SIGKILL): no output under the target name; decrypt's hidden partial file is removed by the next decrypt into that directory",
      "143:terminated (SIGTERM): as for 130"
    },
    subcommands = {
      DemoCommand.class,
      CheckCertCommand.class,
      KeygenCommand.class,
      EncryptCommand.class,
      DecryptCommand.class,
      VerifyCommand.class,
      InspectCommand.class,
      RequestCommand.class,
      ServeCommand.class, LinkCommand.class, // delivery links (export-format-delivery)
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

  /** Standard output as bytes, for commands that stream data there ({@code decrypt}); never closed. */
  private final OutputStream stdout;

  /** Standard input as bytes, for a FILE given as {@code -}; never closed. */
  private final java.io.InputStream stdin;

  /**
   * For picocli's generators (completion script, man pages), which instantiate the class, and for
   * {@link #rootHelpCommandLine} (help and version use neither standard stream).
   */
  private ExportTool() {
    this(System.out, System.in);
  }

  private ExportTool(OutputStream stdout, java.io.InputStream stdin) {
    this.stdout = stdout;
    this.stdin = stdin;
  }

  /** Standard input, for a FILE given as {@code -}: the caller does not close it. */
  java.io.InputStream stdin() {
    return new java.io.FilterInputStream(stdin) {
      @Override
      public void close() {
        // standard input stays open
      }
    };
  }

  /** The tool of a command's invocation, or null when the command runs on its own (tests). */
  static ExportTool of(CommandLine.Model.CommandSpec spec) {
    Object root = spec.root().userObject();
    return root instanceof ExportTool ? (ExportTool) root : null;
  }

  /** {@code --version}: this build's version (from the jar manifest), the format and the JVM. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ExportTool.class.getPackage().getImplementationVersion();
      return new String[] {
        "export-tool " + (v == null ? "(development build)" : v) + " (formats 1.0 and 1.1)",
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }

  /**
   * Standard output as bytes for a command's data: every write error is thrown, as a
   * {@link StandardOutputException}. Flush it; do not close it.
   */
  OutputStream stdout() {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        try {
          stdout.write(b);
        } catch (IOException e) {
          throw new StandardOutputException(e);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          stdout.write(b, off, len);
        } catch (IOException e) {
          throw new StandardOutputException(e);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          stdout.flush();
        } catch (IOException e) {
          throw new StandardOutputException(e);
        }
      }
    };
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  /** A configured command line whose byte output goes to {@link System#out} (which never throws). */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, System.out);
  }

  /**
   * A configured command line, so tests run exactly what users run: text to {@code out} and
   * {@code err}, data ({@code decrypt} without {@code --out}) to {@code stdout}.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, OutputStream stdout) {
    return commandLine(out, err, stdout, System.in);
  }

  /** As {@link #commandLine(PrintWriter, PrintWriter, OutputStream)}, reading {@code -} from {@code stdin}. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, OutputStream stdout, java.io.InputStream stdin) {
    CommandLine cl = configure(new CommandLine(new ExportTool(stdout, stdin)), out, err);
    cl.getSubcommands().get("demo").addSubcommand("delivery", new CommandLine(new DeliveryDemoCommand()) // delivery
        .setOut(cl.getOut()).setErr(cl.getErr()).setExecutionExceptionHandler(cl.getExecutionExceptionHandler()));
    return cl;
  }

  /**
   * The data commands whose runs build only their own model ({@link #lazyCommandLine}); picocli's
   * model of the whole tool takes ~0.2 s more of every start (docs/performance.md, session 7).
   */
  private static final java.util.Map<String, java.util.function.Supplier<Object>> DATA_COMMANDS = java.util.Map.of(
      "verify", VerifyCommand::new,
      "decrypt", DecryptCommand::new,
      "encrypt", EncryptCommand::new,
      "inspect", InspectCommand::new,
      "check-cert", CheckCertCommand::new);

  /**
   * For {@code args} that run one data command without asking for help or the version: a command
   * line of the root (not inspected: no model of the other subcommands) and that one subcommand.
   * A parse error runs the args again on the full command line, so that its message and usage
   * text are the same as always. Null for any other args.
   */
  static CommandLine lazyCommandLine(String[] args, PrintWriter out, PrintWriter err, OutputStream stdout,
      java.io.InputStream stdin) {
    java.util.function.Supplier<Object> sub = args.length == 0 ? null : DATA_COMMANDS.get(args[0]);
    if (sub == null) {
      return null;
    }
    for (String a : args) {
      if (a.equals("--help") || a.equals("--version") || a.matches("-[A-Za-z]*[hV][A-Za-z]*")) {
        return null; // help and version texts come from the full model (inherited options, exit codes)
      }
    }
    CommandLine.Model.CommandSpec root = CommandLine.Model.CommandSpec.wrapWithoutInspection(new ExportTool(stdout, stdin));
    root.name("export-tool");
    CommandLine cl = configure(new CommandLine(root), out, err);
    cl.addSubcommand(args[0], configure(new CommandLine(sub.get()), out, err));
    cl.setParameterExceptionHandler((ex, again) -> commandLine(out, err, stdout, stdin).execute(args));
    return cl;
  }

  /**
   * For {@code args} that only ask for the tool's own help or version ({@code -h}, {@code --help},
   * {@code -V}, {@code --version}, alone): the root, inspected without its subcommands, and each
   * subcommand as a name and the texts its {@link Command} annotation gives the command list
   * (nothing else of it is inspected). Picocli's model of every subcommand's options takes most of
   * a {@code --help} start (docs/performance.md, session 9). Null for any other args. The texts
   * are the full model's: {@code LazyCommandLineTest} compares them, with and without ANSI.
   */
  static CommandLine rootHelpCommandLine(String[] args, PrintWriter out, PrintWriter err) {
    if (args.length != 1 || !List.of("-h", "--help", "-V", "--version").contains(args[0])) {
      return null;
    }
    Command root = ExportTool.class.getAnnotation(Command.class);
    CommandLine.Model.CommandSpec spec = CommandLine.Model.CommandSpec.wrapWithoutInspection(new ExportTool());
    spec.name(root.name()).mixinStandardHelpOptions(root.mixinStandardHelpOptions()).versionProvider(new Version());
    spec.scopeType(root.scope());
    usage(spec.usageMessage(), root);
    for (Class<?> c : root.subcommands()) {
      Command sub = c.getAnnotation(Command.class);
      CommandLine.Model.CommandSpec s = CommandLine.Model.CommandSpec.create().name(sub.name()).aliases(sub.aliases());
      usage(s.usageMessage(), sub);
      spec.addSubcommand(sub.name(), s);
    }
    return configure(new CommandLine(spec), out, err);
  }

  /** The usage texts of {@code c} that a command list or the root's help shows. */
  private static void usage(CommandLine.Model.UsageMessageSpec u, Command c) {
    u.description(c.description()).header(c.header()).headerHeading(c.headerHeading())
        .descriptionHeading(c.descriptionHeading()).exitCodeListHeading(c.exitCodeListHeading())
        .footer(c.footer()).footerHeading(c.footerHeading()).hidden(c.hidden());
    java.util.Map<String, String> codes = new java.util.LinkedHashMap<>();
    for (String line : c.exitCodeList()) {
      int colon = line.indexOf(':');
      codes.put(line.substring(0, colon), line.substring(colon + 1));
    }
    u.exitCodeList(codes);
  }

  private static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter e = commandLine.getErr();
          if (ex instanceof ExportFormatException) {
            ExportFormatException fe = (ExportFormatException) ex;
            e.println("rejected [" + fe.reason().code() + "]: " + Printable.escape(fe.getMessage()));
            e.flush();
            return REJECTED;
          }
          if (ex instanceof Rejected) {
            e.println("rejected: " + Printable.escape(ex.getMessage()));
            e.flush();
            return REJECTED;
          }
          if (ex instanceof picocli.CommandLine.ParameterException || ex instanceof UsageError) {
            e.println("usage: " + Printable.escape(ex.getMessage()));
          } else if (ex instanceof java.nio.file.FileSystemException) {
            e.println("error: " + Printable.escape(describe((java.nio.file.FileSystemException) ex)));
          } else if (ex instanceof java.io.IOException || ex instanceof IllegalArgumentException
              || ex instanceof IllegalStateException) {
            e.println("error: " + Printable.escape(ex.getMessage()));
          } else {
            e.println("error: " + Printable.escape(ex));
          }
          e.flush();
          return USAGE_OR_IO;
        });
    return cl;
  }

  /**
   * Runs a command, then checks that everything written to {@code out} got there: a
   * {@link PrintWriter} never throws, so a full disk or a closed pipe would otherwise pass
   * silently. A write error makes a success exit status 2.
   */
  static int execute(String[] args, PrintWriter out, PrintWriter err, OutputStream stdout) {
    return execute(args, out, err, stdout, System.in);
  }

  /** As {@link #execute(String[], PrintWriter, PrintWriter, OutputStream)}, reading {@code -} from {@code stdin}. */
  static int execute(String[] args, PrintWriter out, PrintWriter err, OutputStream stdout, java.io.InputStream stdin) {
    CommandLine lazy = lazyCommandLine(args, out, err, stdout, stdin);
    if (lazy == null) {
      lazy = rootHelpCommandLine(args, out, err);
    }
    int status = (lazy != null ? lazy : commandLine(out, err, stdout, stdin)).execute(args);
    if (out.checkError()) { // flushes first
      err.println("error: writing standard output failed");
      err.flush();
      return status == OK ? USAGE_OR_IO : status;
    }
    return status;
  }

  /** Runs the tool. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    // Data goes to the file descriptor directly: System.out is a PrintStream, which swallows errors.
    System.exit(execute(args, out, err, new FileOutputStream(FileDescriptor.out)));
  }

  /** Writing to standard output failed (a full disk, a closed pipe): exit status 2. */
  static final class StandardOutputException extends IOException {
    private static final long serialVersionUID = 1L;

    StandardOutputException(IOException cause) {
      super("writing standard output failed: " + cause.getMessage(), cause);
    }
  }

  /**
   * A file system error as "what: which file": {@link java.nio.file.FileSystemException#getMessage()}
   * is only the file name when the JDK gives no reason (permission denied, for one).
   */
  static String describe(java.nio.file.FileSystemException ex) {
    String file = ex.getFile() == null ? "?" : ex.getFile();
    String target = ex.getOtherFile() == null ? file : file + " -> " + ex.getOtherFile();
    if (ex instanceof java.nio.file.NoSuchFileException) {
      return "no such file: " + target + (ex.getReason() == null ? "" : " (" + ex.getReason() + ")");
    }
    if (ex instanceof java.nio.file.AccessDeniedException) {
      return "permission denied: " + target + (ex.getReason() == null ? "" : " (" + ex.getReason() + ")");
    }
    if (IS_A_DIRECTORY.equalsIgnoreCase(ex.getReason())) {
      return target + " is a directory";
    }
    String reason = ex.getReason() != null ? ex.getReason() : ex.getClass().getSimpleName();
    return target + ": " + reason;
  }

  /** The reason the JDK gives for EISDIR. */
  private static final String IS_A_DIRECTORY = "Is a directory";

  /**
   * Refuses a directory where a file is to be read, before anything else is done: reading it would
   * fail later with the bare "Is a directory", without the name.
   *
   * @throws java.nio.file.FileSystemException reported as "FILE is a directory"
   */
  static void requireNotDirectory(java.nio.file.Path file) throws java.nio.file.FileSystemException {
    if (file != null && java.nio.file.Files.isDirectory(file)) {
      throw new java.nio.file.FileSystemException(file.toString(), null, IS_A_DIRECTORY);
    }
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
