package io.hellgate.export.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Progress of a long run on standard error, pass by pass: bytes done (of the total, when known),
 * rate and ETA. On a terminal one line is redrawn twice a second; elsewhere (with {@code
 * --progress}) a line is printed every five seconds. Each pass ends with a summary line. Silent
 * when {@link UiOptions#showProgress()} is false. A command gets one per run and feeds each pass
 * through the {@link LongConsumer} {@link #pass} returns; thread-safe for one feeding thread.
 *
 * <pre>{@code
 * Progress progress = Progress.of(err, ui, 2);
 * try (Progress.Pass p = progress.pass("verifying", Files.size(archive))) {
 *   options.progress(p); // bytes so far
 *   ...
 * }
 * }</pre>
 */
final class Progress {
  private final PrintWriter err;
  private final boolean shown;
  private final boolean terminal;
  private final int passes;
  private int pass;

  private Progress(PrintWriter err, boolean shown, boolean terminal, int passes) {
    this.err = err;
    this.shown = shown;
    this.terminal = terminal;
    this.passes = passes;
  }

  /** Progress for a run of {@code passes} passes, shown as {@code ui} says. */
  static Progress of(PrintWriter err, UiOptions ui, int passes) {
    return new Progress(err, ui != null && ui.showProgress(), Terminal.isTerminal(2), passes);
  }

  /** No progress at all. */
  static Progress none() {
    return new Progress(null, false, false, 1);
  }

  /**
   * Starts the next pass over {@code total} bytes ({@code -1}: unknown). Feed it the bytes done so
   * far ({@link Pass#accept}) or add to them ({@link Pass#add}); close it when the pass ends.
   */
  Pass pass(String label, long total) {
    pass++;
    String name = passes > 1 ? "pass " + pass + "/" + passes + " " + label : label;
    return new Pass(name, total);
  }

  /** One pass: a {@link LongConsumer} of the bytes done so far. */
  final class Pass implements LongConsumer, AutoCloseable {
    private final String name;
    private final long total;
    private final long start = System.nanoTime();
    private final AtomicLong done = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    private Pass(String name, long total) {
      this.name = name;
      this.total = total;
      if (shown) {
        thread = new Thread(this::redraw, "export-tool-progress");
        thread.setDaemon(true);
        thread.start();
      } else {
        thread = null;
      }
    }

    @Override
    public void accept(long bytesSoFar) {
      done.set(bytesSoFar);
    }

    /** Adds {@code bytes} to the bytes done. */
    void add(long bytes) {
      done.addAndGet(bytes);
    }

    private void redraw() {
      long interval = terminal ? 500 : 5000;
      while (!closed) {
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          return;
        }
        if (!closed) {
          synchronized (err) {
            err.print((terminal ? "\r" : "") + line(false) + (terminal ? "\033[K" : System.lineSeparator()));
            err.flush();
          }
        }
      }
    }

    /** {@code verifying: 1.2 GiB of 2.0 GiB (61%), 312 MiB/s, ETA 0:03}; at the end, the totals. */
    String line(boolean end) {
      long d = done.get();
      double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
      double rate = d / seconds;
      StringBuilder b = new StringBuilder(name).append(": ").append(bytes(d));
      if (end) {
        return b.append(String.format(Locale.ROOT, " in %.1f s, %s/s", seconds, bytes((long) rate))).toString();
      }
      if (total > 0) {
        b.append(" of ").append(bytes(total)).append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, d * 100 / total)));
      }
      b.append(", ").append(bytes((long) rate)).append("/s");
      if (total > 0 && rate > 0 && d <= total) {
        long eta = (long) Math.ceil((total - d) / rate);
        b.append(String.format(Locale.ROOT, ", ETA %d:%02d", eta / 60, eta % 60));
      }
      return b.toString();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (thread != null) {
        thread.interrupt();
        try {
          thread.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (err) { // the summary line stays, like a finished progress meter
          err.print((terminal ? "\r\033[K" : "") + line(true) + System.lineSeparator());
          err.flush();
        }
      }
    }
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 300.0 MiB}, {@code 2.00 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }
}
