package io.hellgate.export.cli;

import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.testkit.Pem;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code export-tool bench --cli}: the command-line figures of issue 15, each command a fresh
 * process (JVM start included) under {@code /usr/bin/time -v}, next to {@code openssl dgst -sha256}
 * over the same plaintext in the same round: {@code verify} (records validated), {@code verify
 * --skip-record-validation}, {@code dd} of the plaintext to FILE (writing the output alone, right
 * before {@code decrypt --out}: on this project's VM the round's first large write also pays for
 * fresh memory, docs/performance.md, session 9), {@code decrypt --out FILE}, and {@code --help}
 * (start-up). Reports
 * wall-clock throughput, its ratio to openssl's in the same round, user+sys CPU seconds and peak
 * RSS; with several rounds, the median ratio and the largest RSS. The synthetic plaintext, the
 * archive, the key and the decrypted copy are written to a temporary directory under {@code
 * --dir} and deleted at the end (test PANs only).
 */
final class CliBench {
  private static final Pattern USER = Pattern.compile("User time \\(seconds\\): ([0-9.]+)");
  private static final Pattern SYS = Pattern.compile("System time \\(seconds\\): ([0-9.]+)");
  private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): ([0-9]+)");
  private static final Pattern EXIT = Pattern.compile("Exit status: ([0-9]+)");

  private final PrintWriter out;
  private final List<String> launcher;

  /** One process's measurement. */
  record Run(double wallSeconds, double cpuSeconds, long maxRssKiB) {}

  CliBench(PrintWriter out, List<String> launcher) {
    this.out = out;
    this.launcher = launcher;
  }

  /**
   * The command that starts export-tool as users do: the launcher script (its path in the
   * {@code export.tool.launcher} system property, which the script sets), else this JVM's java
   * with this jar.
   */
  static List<String> defaultLauncher() {
    String script = System.getProperty("export.tool.launcher");
    if (script != null && !script.isEmpty() && Files.isExecutable(Path.of(script))) {
      return List.of(script);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    try {
      Path jar = Path.of(CliBench.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return List.of(java, "-jar", jar.toString());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  void run(long bytes, Path work, int rounds, KeyPair pair, X509Certificate cert, List<String> lines) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/time"))) {
      throw new IllegalStateException("bench --cli needs /usr/bin/time (Debian package time) for CPU time and peak RSS");
    }
    Path plain = work.resolve("plain.jsonl");
    Path archive = work.resolve("cli.tgz");
    Path key = Pem.write(work.resolve("key.pem"), Pem.privateKey(pair.getPrivate()));
    Path certPem = Pem.write(work.resolve("cert.pem"), Pem.certificate(cert));
    Path decrypted = work.resolve("decrypted.jsonl");
    long plainBytes = write(bytes, plain, archive, cert, lines);
    out.printf(Locale.ROOT, "# CLI: %d bytes of plaintext (%s), archive %d bytes, in %s; launcher: %s%n",
        plainBytes, String.format(Locale.ROOT, "%.2f GiB", plainBytes / (double) (1L << 30)), Files.size(archive), work, String.join(" ", launcher));
    out.printf(Locale.ROOT, "# load average before: %s%n", loadAverage());
    Map<String, List<String>> commands = new LinkedHashMap<>();
    commands.put("openssl dgst -sha256", List.of("openssl", "dgst", "-sha256", plain.toString()));
    List<String> keyArgs = List.of("--key", key.toString(), "--cert", certPem.toString());
    commands.put("verify", concat(launcher, List.of("verify", archive.toString()), keyArgs));
    commands.put("verify --skip-record-validation",
        concat(launcher, List.of("verify", archive.toString(), "--skip-record-validation"), keyArgs));
    // Writing the plaintext's size to the same file, without decrypting: what the output alone costs
    // on this file system (on this project's VM, the round's first large write pays for memory the
    // host hands the guest afresh: docs/performance.md, session 9).
    commands.put("dd plaintext to FILE", List.of("dd", "if=" + plain, "of=" + decrypted, "bs=1M", "status=none"));
    commands.put("decrypt --out", concat(launcher, List.of("decrypt", archive.toString(), "--out", decrypted.toString()), keyArgs));
    commands.put("--help", concat(launcher, List.of("--help"), List.of()));
    Map<String, List<Run>> results = new LinkedHashMap<>();
    out.println();
    out.println("| round | command | wall s | MB/s | x openssl (wall) | user+sys CPU s | max RSS MiB |");
    out.println("|---|---|---|---|---|---|---|");
    for (int round = 1; round <= rounds; round++) {
      Run reference = null;
      for (var e : commands.entrySet()) {
        Run r = time(e.getValue(), work);
        Files.deleteIfExists(decrypted);
        if (reference == null) {
          reference = r;
        }
        results.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(r);
        boolean help = e.getKey().equals("--help");
        out.printf(Locale.ROOT, "| %d | %s | %.2f | %s | %s | %.2f | %d |%n", round, e.getKey(), r.wallSeconds(),
            help ? "-" : String.format(Locale.ROOT, "%.0f", plainBytes / r.wallSeconds() / 1e6),
            help || r == reference ? "-" : String.format(Locale.ROOT, "%.2f", reference.wallSeconds() / r.wallSeconds()),
            r.cpuSeconds(), r.maxRssKiB() >> 10);
        out.flush();
      }
    }
    out.printf(Locale.ROOT, "# load average after: %s%n", loadAverage());
    out.println();
    out.printf(Locale.ROOT, "Summary over %d round(s): median ratio of openssl's wall time to the command's, in the same round "
        + "(issue 15 targets: verify >= 0.8, decrypt --out >= 0.7, --skip-record-validation >= 0.9; RSS < 200 MB; --help < 0.5 s)%n%n", rounds);
    out.println("| command | median wall s | median x openssl | median CPU s | x openssl (CPU) | max RSS MiB (worst) |");
    out.println("|---|---|---|---|---|---|");
    List<Run> ref = results.get("openssl dgst -sha256");
    for (var e : results.entrySet()) {
      List<Run> rs = e.getValue();
      double[] ratio = new double[rs.size()];
      double[] cpuRatio = new double[rs.size()];
      for (int i = 0; i < rs.size(); i++) {
        ratio[i] = ref.get(i).wallSeconds() / rs.get(i).wallSeconds();
        cpuRatio[i] = ref.get(i).cpuSeconds() / rs.get(i).cpuSeconds();
      }
      boolean self = rs == ref;
      boolean help = e.getKey().equals("--help");
      out.printf(Locale.ROOT, "| %s | %.2f | %s | %.2f | %s | %d |%n", e.getKey(),
          median(rs.stream().mapToDouble(Run::wallSeconds).toArray()),
          self || help ? "-" : String.format(Locale.ROOT, "%.2f", median(ratio)),
          median(rs.stream().mapToDouble(Run::cpuSeconds).toArray()),
          self || help ? "-" : String.format(Locale.ROOT, "%.2f", median(cpuRatio)),
          rs.stream().mapToLong(Run::maxRssKiB).max().orElse(0) >> 10);
    }
    out.flush();
    for (Path p : List.of(plain, archive, key, certPem, decrypted)) {
      Files.deleteIfExists(p);
    }
  }

  /** Writes the synthetic plaintext and its export (the same bytes); returns the plaintext size. */
  private static long write(long bytes, Path plain, Path archive, X509Certificate cert, List<String> lines) throws IOException {
    List<byte[]> pool = new ArrayList<>();
    for (String l : lines) {
      pool.add(l.getBytes(StandardCharsets.UTF_8));
    }
    long written = 0;
    try (ExportWriter w = ExportWriter.open(archive, ExportWriter.options().recipient(Recipient.unverified(cert))
            .guardianInstance("bench.on-hellgate.cloud").unvalidatedLines(true).build());
        OutputStream p = new java.io.BufferedOutputStream(Files.newOutputStream(plain), 1 << 16)) {
      for (long i = 0; written < bytes; i++) {
        byte[] line = pool.get((int) (i % pool.size()));
        w.writeLineBytes(ByteBuffer.wrap(line));
        p.write(line);
        p.write('\n');
        written += line.length + 1;
      }
      w.finish();
    }
    return written;
  }

  private static Run time(List<String> command, Path work) throws IOException, InterruptedException {
    List<String> timed = concat(List.of("/usr/bin/time", "-v"), command, List.of());
    Path err = Files.createTempFile(work, "time", ".txt");
    try {
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(timed).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(err.toFile()).start();
      int status = p.waitFor();
      double wall = (System.nanoTime() - t0) / 1e9;
      String text = Files.readString(err, StandardCharsets.UTF_8);
      if (status != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + status + ":\n" + text);
      }
      return new Run(wall, number(USER, text) + number(SYS, text), (long) number(RSS, text));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  private static double number(Pattern p, String text) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("/usr/bin/time printed no " + p.pattern() + ":\n" + text);
    }
    return Double.parseDouble(m.group(1));
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "n/a";
    }
  }

  private static List<String> concat(List<String> a, List<String> b, List<String> c) {
    List<String> l = new ArrayList<>(a);
    l.addAll(b);
    l.addAll(c);
    return l;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
