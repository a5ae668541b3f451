package io.hellgate.export.internal;

/** Helpers for the reader's and writer's internal worker threads. */
public final class Workers {
  private Workers() {}

  /**
   * Waits for {@code worker} to end, uninterruptibly: what it shares must not be touched while it
   * runs (an interrupted join once let a writer report a corrupt archive as written). An interrupt
   * received while waiting is re-asserted afterwards.
   */
  public static void joinUninterruptibly(Thread worker) {
    boolean interrupted = false;
    while (worker.isAlive()) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
