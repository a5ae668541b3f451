package io.hellgate.export;

import io.hellgate.export.internal.LineScanner;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decodes the whole lines of a released chunk into records ahead of {@link ExportReader#nextRecord()},
 * on two threads: the lines from a split point on go to a worker, those before it are decoded on
 * the caller's thread, which then waits for the worker. The split follows the load: the caller
 * also decrypts and re-authenticates each chunk, so the caller's share grows by one step whenever
 * it had to wait for the worker, and shrinks by one whenever the worker was done first. Decoding is where typed reads spend their time (about 2.5 ns per
 * byte against 0.3 for decrypting and re-authenticating the chunk); the lines are released plaintext
 * already, so decoding them ahead changes only when the work is done, not what is released. A
 * line that is not a valid record is kept as its failure, in its place, and given out when the
 * caller reaches it; decoding stops there.
 *
 * <p>{@link #decode} returns only when both halves are done, so the chunk may be reused or wiped
 * as soon as it returns. The worker is started at the first two-thread decode and ends when idle
 * for {@link #IDLE_SECONDS} or at {@link #stop()}. Memory: the decoded records of one chunk.
 * The caller side is not thread-safe: one reader thread drives it.
 */
final class RecordBatch {
  /** Below this many bytes of lines, the hand-off costs more than the second thread saves. */
  static final int MIN_PARALLEL_BYTES = 32 * 1024;

  static final int IDLE_SECONDS = 5;

  /** The split is {@code split / SPLIT_STEPS} of the bytes, kept within [1/8, 7/8]. */
  static final int SPLIT_STEPS = 64;

  /** The decoded lines of one half: records (or the failure that ended the half) and line starts. */
  private static final class Half {
    TokenRecord[] records = new TokenRecord[256];
    int[] starts = new int[256];
    int count;
    /** Why line {@code count - 1} (the half's last) is not a record, or null. */
    RecordCodec.InvalidRecord failure;
    /** What else decoding line {@code count - 1} threw (a bug), or null: rethrown as it is. */
    Throwable crash;

    void decode(byte[] b, int from, int end) {
      count = 0;
      failure = null;
      crash = null;
      for (int p = from; p < end; ) {
        int nl = LineScanner.indexOfNewline(b, p, end);
        if (count == records.length) {
          records = Arrays.copyOf(records, count * 2);
          starts = Arrays.copyOf(starts, count * 2);
        }
        starts[count] = p;
        try {
          records[count] = RecordCodec.parse(b, p, nl - p);
        } catch (RecordCodec.InvalidRecord e) {
          failure = e;
          count++;
          return;
        } catch (RuntimeException | Error e) {
          crash = e; // on the worker, thrown again on the caller's thread when it gets here
          count++;
          return;
        }
        count++;
        p = nl + 1;
      }
    }

    void clear() {
      Arrays.fill(records, 0, count, null);
      count = 0;
      failure = null;
      crash = null;
    }
  }

  private final boolean parallel;
  private final int minParallelBytes;
  private final Half first = new Half();
  private final Half second = new Half();
  /** Index into {@link #first} then {@link #second} of the next record to give out. */
  private int next;
  /** Where the caller's share ends, in {@link #SPLIT_STEPS}ths of the bytes. */
  private int split = SPLIT_STEPS / 2;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Guarded by lock:
  private byte[] jobBuffer;
  private int jobFrom;
  private int jobEnd;
  private boolean jobPending;
  private Thread worker;
  private boolean stopped;

  /**
   * {@code parallel}: whether a second processor may be used, for at least {@code
   * minParallelBytes} of lines ({@link #MIN_PARALLEL_BYTES}; tests pass less).
   */
  RecordBatch(boolean parallel, int minParallelBytes) {
    this.parallel = parallel;
    this.minParallelBytes = minParallelBytes;
  }

  /** A batch that decodes on two threads when this machine has two processors or more. */
  static RecordBatch forThisMachine() {
    return new RecordBatch(Runtime.getRuntime().availableProcessors() > 1, MIN_PARALLEL_BYTES);
  }

  /**
   * Decodes the lines of {@code b[from, end)}, each ending in {@code \n} ({@code end} is one past
   * the last one), replacing what this batch held.
   */
  void decode(byte[] b, int from, int end) {
    clear();
    int at = -1;
    if (parallel && end - from >= minParallelBytes) {
      int nl = LineScanner.indexOfNewline(b, from + (int) ((long) (end - from) * split / SPLIT_STEPS), end);
      at = nl + 1 < end ? nl + 1 : -1;
    }
    if (at < 0) {
      first.decode(b, from, end);
      return;
    }
    submit(b, at, end);
    first.decode(b, from, at);
    if (awaitSecond()) {
      split = Math.min(split + 1, SPLIT_STEPS * 7 / 8); // the worker had more: give the caller more
    } else {
      split = Math.max(split - 1, SPLIT_STEPS / 8);
    }
  }

  /** The worker thread while it runs, else null (for tests). */
  Thread worker() {
    lock.lock();
    try {
      return worker;
    } finally {
      lock.unlock();
    }
  }

  /** The caller's share of the bytes now, in {@link #SPLIT_STEPS}ths (for tests). */
  int split() {
    return split;
  }

  /** Whether a decoded record (or failure) is left to give out. */
  boolean hasNext() {
    return next < first.count + (first.failure == null && first.crash == null ? second.count : 0);
  }

  /** The next decoded record; its line's failure if it is not one. */
  TokenRecord next() throws RecordCodec.InvalidRecord {
    Half h = next < first.count ? first : second;
    int i = h == first ? next : next - first.count;
    next++;
    if (i == h.count - 1) {
      if (h.crash instanceof RuntimeException) {
        throw (RuntimeException) h.crash;
      }
      if (h.crash != null) {
        throw (Error) h.crash;
      }
      if (h.failure != null) {
        throw h.failure;
      }
    }
    TokenRecord r = h.records[i];
    h.records[i] = null;
    return r;
  }

  /** Where the next line to give out starts, in the buffer last decoded; only if {@link #hasNext()}. */
  int nextStart() {
    return next < first.count ? first.starts[next] : second.starts[next - first.count];
  }

  /** Drops what is left to give out. */
  void clear() {
    first.clear();
    second.clear();
    next = 0;
  }

  /** Ends the worker, if any, and drops the records; decoding is on this thread from now on. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    clear();
  }

  private void submit(byte[] b, int from, int end) {
    lock.lock();
    try {
      if (stopped) {
        throw new IllegalStateException("record batch stopped");
      }
      jobBuffer = b;
      jobFrom = from;
      jobEnd = end;
      jobPending = true;
      if (worker == null) {
        worker = new Thread(this::work, "export-reader-decode");
        worker.setDaemon(true);
        worker.start();
      } else {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the worker's share; bounded by its decoding time, so not interruptible. Returns
   * whether the worker was still busy.
   */
  private boolean awaitSecond() {
    lock.lock();
    try {
      boolean waited = jobPending;
      while (jobPending) {
        changed.awaitUninterruptibly();
      }
      return waited;
    } finally {
      lock.unlock();
    }
  }

  private void work() {
    while (true) {
      byte[] b;
      int from;
      int end;
      lock.lock();
      try {
        long idle = TimeUnit.SECONDS.toNanos(IDLE_SECONDS);
        while (!jobPending && !stopped && idle > 0) {
          try {
            idle = changed.awaitNanos(idle);
          } catch (InterruptedException e) {
            idle = 0; // nobody interrupts this thread but a shutdown: end
          }
        }
        if (!jobPending) {
          worker = null;
          return;
        }
        b = jobBuffer;
        from = jobFrom;
        end = jobEnd;
      } finally {
        lock.unlock();
      }
      try {
        second.decode(b, from, end);
      } finally {
        lock.lock();
        try {
          jobBuffer = null;
          jobPending = false;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }
}
