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
import java.util.Map;
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

  /** The paths --paths may name. */
  private static final List<String> PATHS = List.of("raw", "raw-unvalidated", "raw-bytes", "raw-string", "typed", "verify");

  @Option(names = "--paths", split = ",", defaultValue = "raw,raw-unvalidated,raw-bytes,raw-string,typed",
      description = "Which paths to run: raw (validated writeLine, nextLineBytes), raw-unvalidated (unvalidatedLines, "
          + "writeLine, nextLineBytes), raw-bytes (unvalidatedLines, writeLineBytes, nextLineBytes), raw-string "
          + "(validated writeLine, nextLine as String), typed, verify (validated writeLine, then verify() with record "
          + "validation: what export-tool verify does, in a warm JVM; not in the default) (default ${DEFAULT-VALUE}).")
  List<String> paths;

  @Option(names = "--components", description = "Also print the per-byte CPU cost of each pipeline stage (one thread).")
  boolean components;

  @Option(names = "--runs", defaultValue = "1", paramLabel = "N",
      description = "Run each path N times in this JVM (default ${DEFAULT-VALUE}); with 3 or more, also print the median "
          + "of runs 2..N, the warm-JVM figure (run 1 includes JIT compilation).")
  int runs;

  @Option(names = "--threads", description = "Also print each thread's CPU seconds per phase: which core is the bottleneck.")
  boolean threads;

  @Option(names = "--cli",
      description = "Instead of the library paths: time export-tool verify, verify --skip-record-validation, decrypt --out "
          + "and --help as fresh processes under /usr/bin/time -v (CPU, peak RSS), each round next to openssl dgst -sha256 "
          + "over the same plaintext (issue 15's ratios); --runs rounds.")
  boolean cli;

  private final List<String> cpuLines = new ArrayList<>();
  private ThreadCpu cpu;

  private PrintWriter out;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    if (runs < 1) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--runs must be at least 1");
    }
    long bytes = Sizes.parse(size);
    if (bytes < 1) {
      throw new ExportTool.UsageError("--size must be greater than 0, not " + size);
    }
    for (String path : paths) {
      if (!PATHS.contains(path)) {
        throw new ExportTool.UsageError("--paths: unknown path '" + path + "' (known: " + String.join(", ", PATHS) + ")");
      }
    }
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
    if (!noOpenssl && !cli) {
      sslGcm = opensslSpeed("aes-256-gcm");
      sslSha = opensslSpeed("sha256");
    }
    double javaSha = cli ? Double.NaN : javaSha256();
    if (!cli) {
      out.printf(Locale.ROOT, "reference  openssl aes-256-gcm %s | openssl sha256 %s | JDK SHA-256 %.0f MB/s (16 KiB blocks, 1 core)%n",
          fmt(sslGcm), fmt(sslSha), javaSha);
    }

    List<TokenRecord> pool = new ArrayList<>();
    List<String> linePool = new ArrayList<>();
    SyntheticRecords gen = SyntheticRecords.seeded(1);
    for (int i = 0; i < 4096; i++) {
      TokenRecord r = gen.next();
      pool.add(r);
    }
    Path sample = work.resolve("sample.tgz");
    try (ExportWriter w = ExportWriter.open(sample, options(cert, work, false))) {
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
    List<java.nio.ByteBuffer> bytePool = new ArrayList<>();
    for (String l : linePool) {
      bytePool.add(java.nio.ByteBuffer.wrap(l.getBytes(StandardCharsets.UTF_8)));
    }
    if (cli) {
      new CliBench(out, CliBench.defaultLauncher()).run(bytes, work, runs, pair, cert, linePool);
      Files.deleteIfExists(sample);
      Files.deleteIfExists(work);
      return ExportTool.OK;
    }
    if (threads) {
      cpu = new ThreadCpu();
    }
    out.println();
    out.println("| path | phase | MB/s | x openssl sha256 | x JDK sha256 | peak heap MiB | seconds |");
    out.println("|---|---|---|---|---|---|---|");
    java.util.Map<String, List<double[]>> results = new java.util.LinkedHashMap<>();
    for (String path : paths) {
      for (int run = 1; run <= runs; run++) {
        String suffix = runs > 1 ? " #" + run : "";
        boolean typed = path.equals("typed");
        boolean bytesIn = path.equals("raw-bytes");
        Path archive = work.resolve(path + ".tgz");
        resetPeaks();
        Map<String, Long> c0 = cpu != null ? cpu.snapshot() : null;
        long t0 = System.nanoTime();
        long approxBytes = 0;
        long records;
        long finishAt;
        try (ExportWriter w = ExportWriter.open(archive, options(cert, work, path.equals("raw-unvalidated") || bytesIn))) {
          for (long i = 0; approxBytes < bytes; i++) {
            int k = (int) (i & 4095);
            if (typed) {
              w.write(pool.get(k));
            } else if (bytesIn) {
              w.writeLineBytes(bytePool.get(k));
            } else {
              w.writeLine(linePool.get(k));
            }
            approxBytes += linePool.get(k).length() + 1; // chars, not bytes: the exact size is read below
          }
          finishAt = System.nanoTime();
          records = w.finish().recordCount();
        }
        long written = System.nanoTime();
        Map<String, Long> c1 = cpu != null ? cpu.snapshot() : null;
        long plainBytes = plaintextBytes(archive);
        double writeSeconds = (written - t0) / 1e9;
        row(path, "write" + suffix, plainBytes, writeSeconds, sslSha, javaSha);
        row(path, "  of which finish()", plainBytes, (written - finishAt) / 1e9, sslSha, javaSha);

        resetPeaks();
        Map<String, Long> c2 = cpu != null ? cpu.snapshot() : null;
        t0 = System.nanoTime();
        long read = 0;
        long verifiedAt;
        boolean verifyOnly = path.equals("verify");
        try (ExportReader r = ExportReader.open(archive, ExportReader.options().key(RecipientKey.of(pair.getPrivate(), cert))
            .spoolDirectory(work).validateRecords(verifyOnly).build())) {
          if (verifyOnly) {
            r.verify(); // one pass: tag, checksum, count and every record; nothing released
            verifiedAt = System.nanoTime();
            read = r.manifest().recordCount(); // verified against the lines counted in the pass
          } else {
            // No explicit verify(). Raw lines: the first one comes once the GCM tag, the framing and
            // the count have verified, and the checksum is confirmed before null. Typed: all first.
            Next next = typed ? r::nextRecord : path.equals("raw-string") ? r::nextLine : r::nextLineBytes;
            verifiedAt = t0;
            for (; next.get() != null; read++) {
              if (read == 0) {
                verifiedAt = System.nanoTime();
              }
            }
          }
        }
        long end = System.nanoTime();
        if (cpu != null) {
          cpuLines.add(cpu.line(path + " write" + suffix, c0, c1));
          cpuLines.add(cpu.line(path + " verified read" + suffix, c2, cpu.snapshot()));
        }
        row(path, "verified read" + suffix, plainBytes, (end - t0) / 1e9, sslSha, javaSha);
        if (run > 1) {
          results.computeIfAbsent(path, k -> new ArrayList<>())
              .add(new double[] {plainBytes / writeSeconds / 1e6, plainBytes / ((end - t0) / 1e9) / 1e6, read / ((end - t0) / 1e9) / 1e6});
        }
        if (!verifyOnly) { // verify's read is its pass 1
          row(path, "  of which pass 1", plainBytes, (verifiedAt - t0) / 1e9, sslSha, javaSha);
        }
        if (read != records) {
          throw new IllegalStateException("wrote " + records + " records but read " + read);
        }
        Files.deleteIfExists(archive);
      }
    }
    if (runs >= 3) {
      out.println();
      out.printf(Locale.ROOT, "Warm JVM: median of runs 2..%d%n%n", runs);
      out.println("| path | write MB/s | x openssl sha256 | verified read MB/s | x openssl sha256 | verified read M lines/s |");
      out.println("|---|---|---|---|---|---|");
      for (var e : results.entrySet()) {
        double w = median(e.getValue(), 0);
        double r = median(e.getValue(), 1);
        double l = median(e.getValue(), 2);
        out.printf(Locale.ROOT, "| %s | %.0f | %s | %.0f | %s | %.2f |%n", e.getKey(), w, ratio(w, sslSha), r, ratio(r, sslSha), l);
      }
    }
    if (cpu != null) {
      cpu.close();
      out.println();
      out.println("CPU seconds per thread and phase (sampled every 10 ms; JIT and GC threads count only in \"(whole process)\"):");
      cpuLines.forEach(out::println);
    }
    if (components) {
      StringBuilder jsonl = new StringBuilder();
      for (String l : linePool) {
        jsonl.append(l).append('\n');
      }
      components(sample, work, jsonl.toString().getBytes(StandardCharsets.UTF_8));
    }
    Files.deleteIfExists(sample);
    Files.deleteIfExists(work);
    out.flush();
    return ExportTool.OK;
  }

  /**
   * CPU nanoseconds per byte of each stage of a verified read, on this thread, warm: what
   * docs/performance.md's cost table reports. Uses the export written above as input.
   */
  private void components(Path sample, Path work, byte[] plaintext) throws Exception {
    java.lang.management.ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    byte[] data;
    try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
        new java.util.zip.GZIPInputStream(Files.newInputStream(sample)))) {
      in.getNextEntry();
      in.getNextEntry();
      data = in.readAllBytes();
    }
    Path big = work.resolve("components.tgz");
    long target = 256L << 20;
    try (var os = new java.io.BufferedOutputStream(Files.newOutputStream(big), 1 << 16);
        var gz = new java.util.zip.GZIPOutputStream(os, 1 << 16);
        var tar = new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(gz)) {
      gz.flush();
      var e = new org.apache.commons.compress.archivers.tar.TarArchiveEntry("tokens.jsonl.enc");
      e.setSize(target - target % data.length);
      tar.putArchiveEntry(e);
      for (long w = 0; w + data.length <= target; w += data.length) {
        tar.write(data);
      }
      tar.closeArchiveEntry();
    }
    byte[] c = new byte[128 * 1024];
    byte[] p = new byte[c.length + 32];
    out.println();
    out.println("| stage | ns/byte (CPU, one thread) |");
    out.println("|---|---|");
    for (int rep = 0; rep < 3; rep++) {
      boolean print = rep == 2;
      long total = 0;
      long t = tm.getCurrentThreadCpuTime();
      try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
          new java.util.zip.GZIPInputStream(Files.newInputStream(big), 1 << 16))) {
        in.getNextEntry();
        for (int n; (n = in.read(c)) > 0; ) {
          total += n;
        }
      }
      stage(print, "gunzip + CRC-32 + tar", total, tm, t);
      Path spool = Files.createTempFile(work, "spool", ".bin");
      t = tm.getCurrentThreadCpuTime();
      try (var os = Files.newOutputStream(spool)) {
        for (long i = 0; i < total; i += c.length) {
          os.write(c);
        }
      }
      stage(print, "spool write", total, tm, t);
      t = tm.getCurrentThreadCpuTime();
      try (var is = Files.newInputStream(spool)) {
        while (is.read(c) > 0) {
          // read only
        }
      }
      stage(print, "spool read", total, tm, t);
      Files.delete(spool);
      javax.crypto.spec.SecretKeySpec key = new javax.crypto.spec.SecretKeySpec(new byte[32], "AES");
      javax.crypto.Cipher ctr = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
      ctr.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.IvParameterSpec(new byte[16]));
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += 4096) {
        ctr.update(c, 0, 4096, p, 0);
      }
      stage(print, "AES-CTR (4 KiB calls)", total, tm, t);
      javax.crypto.Cipher gcm = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
      byte[] iv = new byte[12];
      iv[0] = (byte) rep;
      gcm.init(javax.crypto.Cipher.ENCRYPT_MODE, key, new javax.crypto.spec.GCMParameterSpec(128, iv));
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += 4096) {
        gcm.update(c, 0, 4096, p, 0);
      }
      stage(print, "AES-GCM encryption (4 KiB calls)", total, tm, t);
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += 4096) {
        md.update(c, 0, 4096);
      }
      stage(print, "SHA-256 (4 KiB calls)", total, tm, t);
      io.hellgate.export.internal.LineScanner scanner = new io.hellgate.export.internal.LineScanner(1 << 20);
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += plaintext.length) {
        for (int off = 0; off < plaintext.length; off += 4096) {
          scanner.scan(plaintext, off, Math.min(4096, plaintext.length - off));
        }
      }
      stage(print, "JSON Lines framing scan", total, tm, t);
      if (scanner.error() != null) {
        throw new IllegalStateException("framing scan failed on synthetic data: " + scanner.error());
      }
      // What releasing lines costs the reader thread at least: finding each newline again.
      long found = 0;
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += plaintext.length) {
        for (int from = 0, nl; (nl = io.hellgate.export.internal.LineScanner.indexOfNewline(plaintext, from, plaintext.length)) >= 0; from = nl + 1) {
          found++;
        }
      }
      stage(print, "line split (newline search)", total, tm, t);
      if (found != scanner.lines()) {
        throw new IllegalStateException("line split found " + found + " lines, the scan " + scanner.lines());
      }
      // Record validation on the verification worker: the byte-level fast path (every synthetic
      // record takes it; anything it is unsure of goes to the full parser).
      long fast = 0;
      t = tm.getCurrentThreadCpuTime();
      for (long i = 0; i < total; i += plaintext.length) {
        for (int from = 0, nl; (nl = io.hellgate.export.internal.LineScanner.indexOfNewline(plaintext, from, plaintext.length)) >= 0; from = nl + 1) {
          if (io.hellgate.export.internal.FastRecordCheck.accepts(plaintext, from, nl - from)) {
            fast++;
          }
        }
      }
      stage(print, "record check, fast path (with its newline search)", total, tm, t);
      if (fast != found) {
        throw new IllegalStateException("the record fast path took " + fast + " of " + found + " synthetic lines");
      }
      Path outFile = work.resolve("components-out.jsonl");
      t = tm.getCurrentThreadCpuTime();
      try (var ch = java.nio.channels.FileChannel.open(outFile, java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
          var os = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
        for (long i = 0; i < total; i += plaintext.length) {
          os.write(plaintext);
        }
      }
      stage(print, "output write (decrypt --out: 64 KiB buffered, page cache)", total, tm, t);
      Files.delete(outFile);
    }
    Files.deleteIfExists(big);
  }

  private void stage(boolean print, String name, long bytes, java.lang.management.ThreadMXBean tm, long t0) {
    if (print) {
      out.printf(Locale.ROOT, "| %s | %.2f |%n", name, (tm.getCurrentThreadCpuTime() - t0) / (double) bytes);
      out.flush();
    }
  }

  /** Samples every live thread's CPU time, so that workers that end within a phase still count. */
  private static final class ThreadCpu implements AutoCloseable {
    private final java.lang.management.ThreadMXBean tm = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> last = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Long, String> names = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService sampler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "bench-cpu-sampler");
          t.setDaemon(true);
          return t;
        });

    ThreadCpu() {
      sampler.scheduleAtFixedRate(this::sample, 0, 10, TimeUnit.MILLISECONDS);
    }

    private synchronized void sample() {
      for (long id : tm.getAllThreadIds()) {
        long t = tm.getThreadCpuTime(id);
        java.lang.management.ThreadInfo info = tm.getThreadInfo(id);
        if (t > 0 && info != null) {
          last.put(id, t);
          names.put(id, info.getThreadName());
        }
      }
    }

    /** CPU nanoseconds so far per thread name (threads of one name summed), and the whole process's. */
    synchronized Map<String, Long> snapshot() {
      sample();
      Map<String, Long> m = new java.util.TreeMap<>();
      last.forEach((id, t) -> m.merge(names.get(id), t, Long::sum));
      if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean) {
        m.put(PROCESS, ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime());
      }
      return m;
    }

    /** The key of the whole process's CPU time (all threads, JIT compiler and GC included). */
    static final String PROCESS = "(whole process)";

    String line(String phase, Map<String, Long> before, Map<String, Long> after) {
      StringBuilder b = new StringBuilder(phase).append(':');
      after.forEach((name, t) -> {
        long d = t - before.getOrDefault(name, 0L);
        if (d > 20_000_000L && !name.equals("bench-cpu-sampler")) {
          b.append(String.format(Locale.ROOT, " %s %.2f s,", name, d / 1e9));
        }
      });
      return b.substring(0, b.length() - 1);
    }

    @Override
    public void close() {
      sampler.shutdownNow();
    }
  }

  /** One of the reader's three ways out, for the timing loop. */
  private interface Next {
    Object get() throws java.io.IOException;
  }

  private static ExportWriter.Options options(X509Certificate cert, Path spool, boolean unvalidated) {
    return ExportWriter.options().recipient(Recipient.unverified(cert)).guardianInstance("bench.on-hellgate.cloud")
        .spoolDirectory(spool).unvalidatedLines(unvalidated).build();
  }

  private static long plaintextBytes(Path archive) throws Exception {
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

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String ratio(double mbps, double reference) {
    return Double.isNaN(reference) ? "n/a" : String.format(Locale.ROOT, "%.2f", mbps / reference);
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

}
