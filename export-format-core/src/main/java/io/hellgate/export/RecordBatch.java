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
 * <p>{@link #decode} returns only when both halves are done, whatever either thread threw, and
 * {@link #stop()} returns only once the worker has left the buffer, so the chunk may be reused or
 * wiped as soon as either returns. Whatever decoding a line throws (an {@code Error} too) is kept as
 * that line's outcome and thrown when the caller reaches it, on the caller's thread; nothing after
 * it is given out. The worker is started at the first two-thread decode, inherits no thread-local
 * values, and ends when idle for {@link #IDLE_SECONDS} or at {@link #stop()}; a worker that could
 * not start, or that died outside decoding, fails that decode with an {@link IllegalStateException}
 * (unless the caller's share already stopped at a line of its own, which then wins) and
 * the next one starts a new worker. Memory: the decoded records of one chunk, dropped at
 * {@link #clear()} and {@link #stop()}. The caller side is not thread-safe: one reader thread
 * drives it.
 */
final class RecordBatch {
  /** Below this many bytes of lines, the hand-off costs more than the second thread saves. */
  static final int MIN_PARALLEL_BYTES = 32 * 1024;

  static final int IDLE_SECONDS = 5;

  /** The split is {@code split / SPLIT_STEPS} of the bytes, kept within [1/8, 7/8]. */
  static final int SPLIT_STEPS = 64;

  /** How one line becomes a record: {@link RecordCodec#parse}; tests pass others. */
  interface Decoder {
    TokenRecord decode(byte[] b, int off, int len) throws RecordCodec.InvalidRecord;
  }

  /**
   * The decoded lines of one half: {@code count} records and their line starts, then, if decoding
   * stopped early, what stopped it ({@code stop}: the {@link RecordCodec.InvalidRecord} of a line
   * that is not a record, or whatever else was thrown) and where that line starts.
   */
  private static final class Half {
    TokenRecord[] records = new TokenRecord[256];
    int[] starts = new int[256];
    int count;
    Throwable stop;
    int stopStart;

    void decode(Decoder decoder, byte[] b, int from, int end) {
      count = 0;
      stop = null;
      int p = from;
      try {
        while (p < end) {
          int nl = LineScanner.indexOfNewline(b, p, end);
          if (count == records.length) {
            records = Arrays.copyOf(records, count * 2);
            starts = Arrays.copyOf(starts, count * 2);
          }
          records[count] = decoder.decode(b, p, nl - p);
          starts[count++] = p;
          p = nl + 1;
        }
      } catch (Throwable t) { // InvalidRecord, or a bug or an Error: thrown in this line's place
        stop = t;
        stopStart = p;
      }
    }

    /** Records, plus the stop if any: what this half gives out. */
    int entries() {
      return stop == null ? count : count + 1;
    }

    void clear() {
      Arrays.fill(records, 0, count, null);
      count = 0;
      stop = null;
    }
  }

  private final boolean parallel;
  private final int minParallelBytes;
  private final Decoder decoder;
  private final long idleNanos;
  /** Run by a worker that has gone idle, before it ends (tests: stands for a preemption there). */
  private final Runnable idleExitForTesting;
  private final Half first = new Half();
  private final Half second = new Half();
  /** Index into {@link #first} then {@link #second} of the next entry to give out. */
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
  /** What ended a worker outside decoding while it had a job; reported by {@link #awaitSecond}. */
  private Throwable workerDied;
  // The worker's own: the bounds of the job it took.
  private int takenFrom;
  private int takenEnd;

  /**
   * {@code parallel}: whether a second processor may be used, for at least {@code
   * minParallelBytes} of lines ({@link #MIN_PARALLEL_BYTES}; tests pass less).
   */
  RecordBatch(boolean parallel, int minParallelBytes) {
    this(parallel, minParallelBytes, RecordCodec::parse, TimeUnit.SECONDS.toNanos(IDLE_SECONDS), null);
  }

  /**
   * For tests: another decoder, another idle timeout, and a hook run by a worker between going
   * idle and ending (null for none).
   */
  RecordBatch(boolean parallel, int minParallelBytes, Decoder decoder, long idleNanos, Runnable idleExitForTesting) {
    this.parallel = parallel;
    this.minParallelBytes = minParallelBytes;
    this.decoder = decoder;
    this.idleNanos = idleNanos;
    this.idleExitForTesting = idleExitForTesting;
  }

  /** A batch that decodes on two threads when this machine has two processors or more. */
  static RecordBatch forThisMachine() {
    return new RecordBatch(Runtime.getRuntime().availableProcessors() > 1, MIN_PARALLEL_BYTES);
  }

  /**
   * Decodes the lines of {@code b[from, end)}, each ending in {@code \n} ({@code end} is one past
   * the last one), replacing what this batch held.
   *
   * @throws IllegalStateException after {@link #stop()}, or if the worker could not start or died
   *     outside decoding while the caller's share decoded (nothing of this chunk is then given out)
   */
  void decode(byte[] b, int from, int end) {
    checkNotStopped();
    clear();
    int at = -1;
    if (parallel && end - from >= minParallelBytes) {
      int nl = LineScanner.indexOfNewline(b, from + (int) ((long) (end - from) * split / SPLIT_STEPS), end);
      at = nl + 1 < end ? nl + 1 : -1;
    }
    if (at < 0) {
      first.decode(decoder, b, from, end);
      return;
    }
    submit(b, at, end);
    boolean waited;
    try {
      first.decode(decoder, b, from, at); // catches whatever a line throws
    } finally {
      waited = awaitSecond(); // never leave while the worker reads b
    }
    if (waited) {
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

  /** Decoded records held, given out or not yet (for tests). */
  int retainedForTesting() {
    int n = 0;
    for (Half h : new Half[] {first, second}) {
      for (TokenRecord r : h.records) {
        n += r == null ? 0 : 1;
      }
    }
    return n;
  }

  /** The caller's share of the bytes now, in {@link #SPLIT_STEPS}ths (for tests). */
  int split() {
    return split;
  }

  /** Whether a decoded record (or the failure of a line) is left to give out. */
  boolean hasNext() {
    return next < first.entries() + (first.stop == null ? second.entries() : 0);
  }

  /**
   * The next decoded record; for a line that is not one, its {@link RecordCodec.InvalidRecord}, or
   * whatever else decoding it threw, as it was thrown. Nothing is left to give out after that.
   */
  TokenRecord next() throws RecordCodec.InvalidRecord {
    Half h = next < first.entries() ? first : second;
    int i = h == first ? next : next - first.entries();
    next++;
    if (i == h.count) {
      Throwable t = h.stop;
      clear(); // nothing after it is given out
      if (t == null) {
        throw new IllegalStateException("no decoded record left");
      }
      if (t instanceof RecordCodec.InvalidRecord) {
        throw (RecordCodec.InvalidRecord) t;
      }
      if (t instanceof RuntimeException) {
        throw (RuntimeException) t;
      }
      if (t instanceof Error) {
        throw (Error) t;
      }
      throw new IllegalStateException("decoding a record failed", t);
    }
    TokenRecord r = h.records[i];
    h.records[i] = null;
    return r;
  }

  /** Where the next line to give out starts, in the buffer last decoded; only if {@link #hasNext()}. */
  int nextStart() {
    Half h = next < first.entries() ? first : second;
    int i = h == first ? next : next - first.entries();
    return i < h.count ? h.starts[i] : h.stopStart;
  }

  /** Drops what is left to give out. */
  void clear() {
    first.clear();
    second.clear();
    next = 0;
  }

  /**
   * Ends the worker, if any, and drops the records; {@link #decode} refuses from now on. Returns
   * once the worker has left the buffer of the last decode.
   */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
      while (jobPending) {
        changed.awaitUninterruptibly();
      }
    } finally {
      lock.unlock();
    }
    clear();
  }

  private void checkNotStopped() {
    lock.lock();
    try {
      if (stopped) {
        throw new IllegalStateException("record batch stopped");
      }
    } finally {
      lock.unlock();
    }
  }

  private void submit(byte[] b, int from, int end) {
    lock.lock();
    try {
      jobBuffer = b;
      jobFrom = from;
      jobEnd = end;
      jobPending = true;
      if (worker == null) {
        // No inherited thread-locals (a caller's MDC or security context) and this library's loader.
        Thread t = new Thread(null, this::work, "export-reader-decode", 0, false);
        t.setDaemon(true);
        t.setContextClassLoader(RecordBatch.class.getClassLoader());
        try {
          t.start();
        } catch (Throwable e) {
          jobPending = false;
          jobBuffer = null;
          throw new IllegalStateException("could not start the record decoding thread", e);
        }
        worker = t;
      } else {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for the worker's share; bounded by its decoding time, so not interruptible. Returns
   * whether the worker was still busy. When the caller's share stopped at a line (one that is not a
   * record, or whatever else decoding it threw), the worker's share is dropped (it is never given
   * out, whatever became of the worker);
   * otherwise a worker that died fails this decode, with nothing of the chunk given out.
   */
  private boolean awaitSecond() {
    Throwable died;
    boolean waited;
    lock.lock();
    try {
      waited = jobPending;
      while (jobPending) {
        changed.awaitUninterruptibly();
      }
      died = workerDied;
      workerDied = null;
    } finally {
      lock.unlock();
    }
    if (first.stop != null) {
      second.clear();
    } else if (died != null) {
      clear();
      throw new IllegalStateException("the record decoding thread failed", died);
    }
    return waited;
  }

  private void work() {
    Throwable died = null;
    try {
      for (byte[] b; (b = takeJob()) != null; ) {
        try {
          second.decode(decoder, b, takenFrom, takenEnd);
        } finally {
          finishJob();
        }
      }
      if (idleExitForTesting != null) {
        idleExitForTesting.run();
      }
    } catch (Throwable t) {
      died = t;
      throw t;
    } finally {
      lock.lock();
      try {
        // Still the worker only if it died: going idle, takeJob() handed over in the same lock hold,
        // and a job pending now is a newer worker's.
        if (worker == Thread.currentThread()) {
          worker = null; // the next decode starts another
          if (jobPending) { // died outside decoding with a job: fail it rather than hang the caller
            workerDied = died != null ? died : new IllegalStateException("the worker ended with work pending");
            jobPending = false;
            jobBuffer = null;
            changed.signalAll();
          }
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits for a job and returns its buffer (its bounds in {@link #takenFrom} and {@link #takenEnd});
   * null when stopped or idle for {@link #idleNanos}.
   */
  private byte[] takeJob() {
    lock.lock();
    try {
      long idle = idleNanos;
      while (!jobPending && !stopped && idle > 0) {
        try {
          idle = changed.awaitNanos(idle);
        } catch (InterruptedException e) {
          idle = 0; // nobody interrupts this thread but a shutdown: end
        }
      }
      if (!jobPending) {
        if (worker == Thread.currentThread()) {
          worker = null; // in this lock hold: a submit from now on starts another worker
        }
        return null;
      }
      takenFrom = jobFrom;
      takenEnd = jobEnd;
      return jobBuffer;
    } finally {
      lock.unlock();
    }
  }

  private void finishJob() {
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
