package io.hellgate.export.cli;

import io.hellgate.export.ExportReader;
import io.hellgate.export.ExportWriter;
import io.hellgate.export.Recipient;
import io.hellgate.export.RecipientKey;
import io.hellgate.export.TokenRecord;
import io.hellgate.export.testkit.SyntheticRecords;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code export-tool bench}: the documented performance harness (docs/performance.md). Writes and
 * reads one synthetic export of {@code --size} bytes of JSON Lines through the raw-line and typed
 * paths, reports throughput and peak heap, and puts them next to {@code openssl speed} for AES-256-GCM
 * and SHA-256 on the same machine.
 */
@Command(name = "bench", description = "Measure write/read throughput against openssl speed (see docs/performance.md).")
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--size", defaultValue = "1g", paramLabel = "SIZE", description = "Plaintext size, e.g. 256m or 1g (default ${DEFAULT-VALUE}).")
  String size;

  @Option(names = "--dir", paramLabel = "DIR", description = "Where the archive and spool go (default: java.io.tmpdir).")
  Path dir;

  @Option(names = "--no-openssl", description = "Skip the openssl speed reference.")
  boolean noOpenssl;

  @Option(names = "--paths", split = ",", defaultValue = "raw,typed", description = "Which paths to run: raw, typed (default ${DEFAULT-VALUE}).")
  List<String> paths;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    long bytes = parseSize(size);
    Path work = Files.createTempDirectory(dir == null ? Path.of(System.getProperty("java.io.tmpdir")) : dir, "export-bench-");
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(3072);
    KeyPair pair = g.generateKeyPair();
    X509Certificate cert = SelfSigned.certificate(pair, "CN=bench, O=Bench Org, C=DE");
    out.printf(Locale.ROOT, "# export-format benchmark: %s of JSON Lines, JVM %s, max heap %d MiB, %d cores%n",
        size, System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
    out.flush();

    double sslGcm = Double.NaN;
    double sslSha = Double.NaN;
    if (!noOpenssl) {
      sslGcm = opensslSpeed("aes-256-gcm");
      sslSha = opensslSpeed("sha256");
    }
    double javaSha = javaSha256();
    out.printf(Locale.ROOT, "reference  openssl aes-256-gcm %s | openssl sha256 %s | JDK SHA-256 %.0f MB/s (16 KiB blocks, 1 core)%n",
        fmt(sslGcm), fmt(sslSha), javaSha);

    List<TokenRecord> pool = new ArrayList<>();
    List<String> linePool = new ArrayList<>();
    SyntheticRecords gen = SyntheticRecords.seeded(1);
    for (int i = 0; i < 4096; i++) {
      TokenRecord r = gen.next();
      pool.add(r);
    }
    Path sample = work.resolve("sample.tgz");
    try (ExportWriter w = ExportWriter.open(sample, options(cert, work))) {
      for (TokenRecord r : pool) {
        w.write(r);
      }
      w.finish();
    }
    try (ExportReader r = ExportReader.open(sample, ExportReader.options().key(RecipientKey.of(pair.getPrivate(), cert)).build())) {
      for (String l; (l = r.nextLine()) != null; ) {
        linePool.add(l);
      }
    }
    out.println();
    out.println("| path | phase | MB/s | x openssl sha256 | x JDK sha256 | peak heap MiB | seconds |");
    out.println("|---|---|---|---|---|---|---|");
    for (String path : paths) {
      boolean typed = path.equals("typed");
      Path archive = work.resolve(path + ".tgz");
      resetPeaks();
      long t0 = System.nanoTime();
      long written = 0;
      try (ExportWriter w = ExportWriter.open(archive, options(cert, work))) {
        for (long i = 0; written < bytes; i++) {
          int k = (int) (i & 4095);
          if (typed) {
            w.write(pool.get(k));
          } else {
            w.writeLine(linePool.get(k));
          }
          written += linePool.get(k).length() + 1; // synthetic lines are ASCII-heavy; exact count below
        }
        written = w.finish().recordCount();
      }
      double writeSeconds = (System.nanoTime() - t0) / 1e9;
      long plainBytes = plaintextBytes(archive, pair, cert);
      row(path, "write", plainBytes, writeSeconds, sslSha, javaSha);

      resetPeaks();
      t0 = System.nanoTime();
      long seen = 0;
      try (ExportReader r = ExportReader.open(archive, ExportReader.options().key(RecipientKey.of(pair.getPrivate(), cert)).spoolDirectory(work).build())) {
        if (typed) {
          for (TokenRecord rec; (rec = r.nextRecord()) != null; ) {
            seen += rec.id().length();
          }
        } else {
          for (String l; (l = r.nextLine()) != null; ) {
            seen += l.length();
          }
        }
      }
      double readSeconds = (System.nanoTime() - t0) / 1e9;
      row(path, "verified read", plainBytes, readSeconds, sslSha, javaSha);
      if (seen == 0 && written > 0) {
        throw new IllegalStateException("nothing was read");
      }
      Files.deleteIfExists(archive);
    }
    Files.deleteIfExists(sample);
    Files.deleteIfExists(work);
    out.flush();
    return ExportTool.OK;
  }

  private static ExportWriter.Options options(X509Certificate cert, Path spool) {
    return ExportWriter.options().recipient(Recipient.unverified(cert)).guardianInstance("bench.on-hellgate.cloud").spoolDirectory(spool).build();
  }

  private static long plaintextBytes(Path archive, KeyPair pair, X509Certificate cert) throws Exception {
    // The plaintext size equals the ciphertext entry size; read it from the tar header cheaply.
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(Files.newInputStream(archive)))) {
      for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals("tokens.jsonl.enc")) {
          return e.getSize();
        }
      }
    }
    throw new IllegalStateException("no data entry");
  }

  private void row(String path, String phase, long bytes, double seconds, double sslSha, double javaSha) {
    double mbps = bytes / seconds / 1e6;
    out.printf(Locale.ROOT, "| %s | %s | %.0f | %s | %.2f | %d | %.2f |%n", path, phase, mbps,
        Double.isNaN(sslSha) ? "n/a" : String.format(Locale.ROOT, "%.2f", mbps / sslSha), mbps / javaSha, peakHeapMiB(), seconds);
    out.flush();
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long peakHeapMiB() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum >> 20;
  }

  private static double javaSha256() throws Exception {
    byte[] block = new byte[16384];
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    long n = 0;
    long end = System.nanoTime() + 1_000_000_000L;
    long t0 = System.nanoTime();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 256; i++) {
        md.update(block);
      }
      n += 256L * block.length;
    }
    md.digest();
    return n / ((System.nanoTime() - t0) / 1e9) / 1e6;
  }

  /** MB/s for 16 KiB blocks from {@code openssl speed -evp ALG}, or NaN if openssl is missing. */
  private static double opensslSpeed(String alg) {
    try {
      Process p = new ProcessBuilder("openssl", "speed", "-elapsed", "-seconds", "3", "-bytes", "16384", "-evp", alg)
          .redirectErrorStream(true).start();
      String text;
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        text = r.lines().reduce("", (a, b) -> a + "\n" + b);
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Double.NaN;
      }
      Matcher m = Pattern.compile("(?m)^\\S+\\s+([0-9.]+)k\\s*$").matcher(text);
      double last = Double.NaN;
      while (m.find()) {
        last = Double.parseDouble(m.group(1)) * 1000 / 1e6;
      }
      return last;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  private static String fmt(double mbps) {
    return Double.isNaN(mbps) ? "n/a" : String.format(Locale.ROOT, "%.0f MB/s", mbps);
  }

  static long parseSize(String s) {
    String t = s.trim().toLowerCase(Locale.ROOT);
    long mult = 1;
    if (t.endsWith("g")) {
      mult = 1L << 30;
    } else if (t.endsWith("m")) {
      mult = 1L << 20;
    } else if (t.endsWith("k")) {
      mult = 1L << 10;
    }
    if (mult != 1) {
      t = t.substring(0, t.length() - 1);
    }
    return Long.parseLong(t) * mult;
  }
}
