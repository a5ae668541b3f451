package io.hellgate.export.internal;

import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Two jobs per buffer on two threads. Each submitted buffer gets the <em>shared</em> job (in
 * submission order, one buffer at a time, on whichever thread has nothing better to do) and the
 * <em>worker</em> job (in submission order, on the worker thread only). A buffer is free again once
 * both jobs are done with it. The writer shares SHA-256 and leaves encrypt-and-store to the worker;
 * the reader's first pass shares the GCM tag (or SHA-256) and leaves the framing scan to the worker;
 * its second pass shares SHA-256 and gives the worker nothing else.
 *
 * <p>Who runs the shared job follows the load: the worker, when its own job has nothing to do (the
 * caller is the slower side); the caller, when it has no free buffer to fill (the worker is). A
 * fixed rule cannot balance the two: which side is slower depends on the caller's own work (records
 * encoded, lines checked, or bytes only copied) and on the storage. On a single processor neither
 * side spins before it parks ({@link #SPIN_NANOS}).
 *
 * <p>Memory is the buffers. If a job throws, the pipeline records it ({@link #failure()}) and the
 * worker ends; {@link #take()} then returns null and {@link #drain()} returns at once.
 * {@link #stop} wipes every buffer. The caller side is not thread-safe: one thread feeds it.
 */
public final class SharingPipeline {
  /** A job on one buffer. */
  public interface Work {
    void run(byte[] buffer, int length) throws Exception;
  }

  private static final class Slot {
    final byte[] buffer;
    final int length;

    Slot(byte[] buffer, int length) {
      this.buffer = buffer;
      this.length = length;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled on every change of state; both sides wait on it. */
  private final Condition changed = lock.newCondition();
  private final Work shared;
  private final Work workerJob;
  private final Thread thread;
  private final List<byte[]> all = new ArrayList<>();
  // Guarded by lock:
  private final ArrayDeque<byte[]> free = new ArrayDeque<>();
  /** Submitted buffers not yet done with both jobs, oldest first: chunk base + i at index i. */
  private final List<Slot> inFlight = new ArrayList<>();
  private long base;
  private long submitted;
  private long sharedDone;
  private long workerDone;
  private boolean sharedBusy;
  private boolean stopping;
  private boolean abandon;
  private Throwable failure;
  private long sharedByCaller;
  private long sharedByWorker;

  /** Starts the worker with {@code buffers} (at least 2) free buffers of {@code bufferBytes} each. */
  public SharingPipeline(int buffers, int bufferBytes, String name, Work shared, Work workerJob) {
    if (buffers < 2) {
      throw new IllegalArgumentException("needs at least two buffers");
    }
    this.shared = shared;
    this.workerJob = workerJob;
    for (int i = 0; i < buffers; i++) {
      byte[] b = new byte[bufferBytes];
      all.add(b);
      free.add(b);
    }
    thread = new Thread(this::work, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * A free buffer to fill. While none is free, runs the shared job on the oldest buffer that
   * still needs it, or waits. Null once a job has failed.
   */
  public byte[] take() throws InterruptedIOException {
    lock.lock();
    try {
      while (true) {
        if (failure != null) {
          return null;
        }
        byte[] b = free.poll();
        if (b != null) {
          return b;
        }
        if (!runShared(true)) {
          await();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands {@code length} bytes of {@code buffer} to both jobs. The buffer must come from
   * {@link #take()}, or be one of the caller's own of the same size (it then joins the pool, and
   * {@link #stop} wipes it too).
   */
  public void submit(byte[] buffer, int length) {
    lock.lock();
    try {
      if (stopping) {
        throw new IllegalStateException("pipeline stopped");
      }
      if (all.stream().noneMatch(b -> b == buffer)) {
        all.add(buffer);
      }
      inFlight.add(new Slot(buffer, length));
      submitted++;
      signal();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until both jobs are done with every submitted buffer, running the shared job here
   * whenever it is next. Returns at once if a job failed ({@link #failure()}).
   */
  public void drain() throws InterruptedIOException {
    lock.lock();
    try {
      while (failure == null && (sharedDone < submitted || workerDone < submitted)) {
        if (!runShared(true)) {
          await();
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends the worker and waits for it, uninterruptibly (what the jobs share must not be touched
   * while it runs); with {@code abandon}, work not yet started is dropped. An interrupt received
   * meanwhile is re-asserted. Wipes every buffer. Idempotent.
   */
  public void stop(boolean abandon) {
    lock.lock();
    try {
      stopping = true;
      this.abandon |= abandon;
      signal();
    } finally {
      lock.unlock();
    }
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    for (byte[] b : all) {
      java.util.Arrays.fill(b, (byte) 0);
    }
  }

  /** What made a job throw, or null. */
  public Throwable failure() {
    lock.lock();
    try {
      return failure;
    } finally {
      lock.unlock();
    }
  }

  /** Buffers whose shared job ran on the caller's thread and on the worker's; for tests. */
  long[] sharedCounts() {
    lock.lock();
    try {
      return new long[] {sharedByCaller, sharedByWorker};
    } finally {
      lock.unlock();
    }
  }

  private void await() throws InterruptedIOException {
    try {
      if (spinThenCheck()) {
        return;
      }
      changed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
    }
  }

  /**
   * With the lock held: if the shared job is due on a buffer and nobody is running it, runs it
   * (releasing the lock meanwhile) and returns true.
   */
  private boolean runShared(boolean onCaller) {
    if (sharedBusy || sharedDone == submitted || failure != null || (stopping && abandon)) {
      return false;
    }
    Slot s = inFlight.get((int) (sharedDone - base));
    sharedBusy = true;
    Throwable thrown = run(shared, s);
    sharedBusy = false;
    if (thrown != null) {
      fail(thrown);
    } else {
      sharedDone++;
      if (onCaller) {
        sharedByCaller++;
      } else {
        sharedByWorker++;
      }
      release();
    }
    signal();
    return true;
  }

  /** Runs {@code job} on {@code s} with the lock released; returns what it threw, if anything. */
  private Throwable run(Work job, Slot s) {
    lock.unlock();
    try {
      job.run(s.buffer, s.length);
      return null;
    } catch (Throwable t) {
      return t;
    } finally {
      lock.lock();
    }
  }

  /**
   * How long a side spins before it parks: 50 µs (parking at once measured slower on this
   * project's VM, docs/performance.md), or nothing on a single processor, where the spinning
   * thread would only hold up the one it waits for.
   */
  static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1 ? 50_000 : 0;

  /** Incremented (under the lock) on every change of state. */
  private volatile long version;

  /**
   * With the lock held: releases it and spins briefly for a change of state before the caller
   * parks (waking a parked thread costs tens of microseconds on a virtual machine, and the two
   * threads hand over thousands of times per GiB). Returns with the lock held; true if the state
   * changed meanwhile. On a single processor it returns false at once, without releasing the lock.
   */
  private boolean spinThenCheck() {
    if (SPIN_NANOS == 0) {
      return false;
    }
    long seen = version;
    lock.unlock();
    try {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (version == seen && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
    } finally {
      lock.lock();
    }
    return version != seen;
  }

  /** Frees the buffers both jobs are done with. */
  private void release() {
    long done = Math.min(sharedDone, workerDone);
    while (base < done) {
      free.add(inFlight.remove(0).buffer);
      base++;
    }
  }

  private void signal() {
    version++;
    changed.signalAll();
  }

  private void fail(Throwable t) {
    if (failure == null) {
      failure = t;
    }
  }

  /** The worker: the worker job on each buffer in order; the shared job when nothing else is due. */
  private void work() {
    lock.lock();
    try {
      while (failure == null) {
        if (workerDone < submitted && !(stopping && abandon)) {
          Slot s = inFlight.get((int) (workerDone - base));
          Throwable thrown = run(workerJob, s);
          if (thrown != null) {
            fail(thrown);
          } else {
            workerDone++;
            release();
          }
          signal();
        } else if (!runShared(false)) {
          if (stopping && (abandon || (workerDone == submitted && !sharedBusy))) {
            return;
          }
          if (!spinThenCheck()) {
            changed.awaitUninterruptibly();
          }
        }
      }
    } catch (Throwable t) {
      fail(t); // a bug here must not leave the caller waiting for a worker that has gone
    } finally {
      signal();
      lock.unlock();
    }
  }
}
