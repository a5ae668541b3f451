package io.hellgate.export.internal;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One daemon worker fed through a fixed set of buffers, for the reader's second core:
 * {@link #take()} a free buffer, fill it, {@link #submit} it; the worker runs {@code work} on each
 * submitted buffer in order and frees it. Memory is the buffers (those it made, plus any the caller
 * submits of its own). If {@code work} throws, the worker ends and {@link #take()} returns null.
 * Buffers are wiped by {@link #stop}. The caller side is not thread-safe: one thread feeds it.
 * Each side polls briefly before it parks, except on a single processor ({@link #SPIN_NANOS}).
 */
public final class Pipeline {
  /** What the worker does with each buffer. */
  public interface Work {
    void run(byte[] buffer, int length) throws Exception;
  }

  private static final Object[] END = new Object[0];
  private static final byte[] FAILED = new byte[0];

  private final BlockingQueue<byte[]> free = new LinkedBlockingQueue<>();
  private final BlockingQueue<Object[]> full = new LinkedBlockingQueue<>();
  private final List<byte[]> all = new ArrayList<>();
  private final Thread thread;
  private volatile Throwable failure;
  private boolean stopped;

  /** Starts the worker with {@code buffers} free buffers of {@code bufferBytes} each. */
  public Pipeline(int buffers, int bufferBytes, String name, Work work) {
    for (int i = 0; i < buffers; i++) {
      byte[] b = new byte[bufferBytes];
      all.add(b);
      free.add(b);
    }
    thread =
        new Thread(
            () -> {
              try {
                for (Object[] item; (item = spinThenTake(full)) != END; ) {
                  byte[] p = (byte[]) item[0];
                  work.run(p, (Integer) item[1]);
                  free.put(p);
                }
              } catch (Throwable t) {
                failure = t;
                free.clear();
                free.offer(FAILED); // unblock take()
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
  }

  /** A free buffer, waiting for one if need be; null once the worker has failed. */
  public byte[] take() throws InterruptedIOException {
    return next(free);
  }

  private byte[] next(BlockingQueue<byte[]> queue) throws InterruptedIOException {
    try {
      byte[] b = spinThenTake(queue);
      if (b == FAILED) {
        queue.offer(FAILED);
        return null;
      }
      return b;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for " + thread.getName());
    }
  }

  /**
   * How long a side polls before it parks: 50 µs, or nothing on a single processor, where the
   * spinning thread would only hold up the one it waits for. Shared with {@link SharingPipeline}.
   */
  static final long SPIN_NANOS = Runtime.getRuntime().availableProcessors() > 1 ? 50_000 : 0;

  /**
   * The queue's head, polled for up to {@link #SPIN_NANOS} before parking: waking a parked thread
   * costs tens of microseconds on a virtual machine, and the two sides hand over thousands of
   * buffers per GiB.
   */
  private static <T> T spinThenTake(BlockingQueue<T> queue) throws InterruptedException {
    T item = queue.poll();
    if (item == null && SPIN_NANOS > 0) {
      long deadline = System.nanoTime() + SPIN_NANOS;
      do {
        Thread.onSpinWait();
        item = queue.poll();
      } while (item == null && System.nanoTime() < deadline);
    }
    return item != null ? item : queue.take();
  }

  /** Hands {@code length} bytes of {@code buffer} to the worker. */
  public void submit(byte[] buffer, int length) {
    if (all.stream().noneMatch(b -> b == buffer)) {
      all.add(buffer); // one of the caller's own: wiped by stop() too
    }
    full.add(new Object[] {buffer, length});
  }

  /**
   * Ends the worker and waits for it, uninterruptibly: what it shares must not be touched while it
   * runs (an interrupted join once let the writer report a corrupt archive as written). An
   * interrupt received meanwhile is re-asserted. With {@code abandon}, work not yet started is
   * dropped. Wipes every buffer. Idempotent.
   */
  public void stop(boolean abandon) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (abandon) {
      full.clear();
    }
    full.add(END);
    joinThenWipe(thread, all);
  }

  /**
   * Waits for {@code thread} to end, uninterruptibly (an interrupt received meanwhile is
   * re-asserted), then zeroes {@code buffers}: the end of both pipelines.
   */
  static void joinThenWipe(Thread thread, List<byte[]> buffers) {
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
    for (byte[] b : buffers) {
      Arrays.fill(b, (byte) 0);
    }
  }

  /** What made {@code work} throw, or null. */
  public Throwable failure() {
    return failure;
  }
}
