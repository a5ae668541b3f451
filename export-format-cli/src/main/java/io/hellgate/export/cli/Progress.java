package io.hellgate.export.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Progress on stderr for long runs on a terminal: a daemon thread that redraws one line twice a
 * second. Silent when not on a terminal or when the input is small.
 */
final class Progress implements AutoCloseable {
  private static final long MIN_BYTES = 64L << 20;

  private final Thread thread;
  private final PrintWriter err;
  private volatile boolean done;

  private Progress(PrintWriter err, String label, LongSupplier current, long total) {
    this.err = err;
    this.thread =
        new Thread(
            () -> {
              while (!done) {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
                long c = current.getAsLong();
                err.printf("\r%s %,d / %,d MiB (%d%%)   ", label, c >> 20, total >> 20, total == 0 ? 100 : c * 100 / total);
                err.flush();
              }
            },
            "export-tool-progress");
    thread.setDaemon(true);
  }

  /** Starts progress over {@code total} bytes if on a terminal and large enough; else a no-op. */
  static Progress start(PrintWriter err, String label, AtomicLong counter, long total) {
    Progress p = new Progress(err, label, counter::get, total);
    if (System.console() != null && total >= MIN_BYTES) {
      p.thread.start();
    }
    return p;
  }

  @Override
  public void close() {
    done = true;
    if (thread.isAlive()) {
      thread.interrupt();
      err.print("\r\033[K");
      err.flush();
    }
  }
}
