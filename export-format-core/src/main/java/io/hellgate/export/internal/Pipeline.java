package io.hellgate.export.internal;

import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One daemon worker fed through a fixed set of buffers, for the writer's and reader's second core:
 * {@link #take()} a free buffer, fill it, {@link #submit} it; the worker runs {@code work} on each
 * submitted buffer in order and frees it. Memory is the buffers (those it made, plus any the caller
 * submits of its own). If {@code work} throws, the worker ends and {@link #take()} returns null.
 * Buffers are wiped by {@link #stop}. The caller side is not thread-safe: one thread feeds it.
 *
 * <p>In hand-back mode the worker does not free a buffer it has processed but hands it back,
 * in submission order, through {@link #awaitDone()}; the caller {@link #recycle}s it when done with
 * it (the reader releases lines from a chunk only after the worker has checked it).
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
  private final BlockingQueue<byte[]> done = new LinkedBlockingQueue<>();
  private final boolean handBack;
  private final List<byte[]> all = new ArrayList<>();
  private final Thread thread;
  private volatile Throwable failure;
  private boolean stopped;

  /** Starts the worker with {@code buffers} free buffers of {@code bufferBytes} each. */
  public Pipeline(int buffers, int bufferBytes, String name, Work work) {
    this(buffers, bufferBytes, name, work, false);
  }

  /** As {@link #Pipeline(int, int, String, Work)}; {@code handBack} selects hand-back mode. */
  public Pipeline(int buffers, int bufferBytes, String name, Work work, boolean handBack) {
    this.handBack = handBack;
    for (int i = 0; i < buffers; i++) {
      byte[] b = new byte[bufferBytes];
      all.add(b);
      free.add(b);
    }
    thread =
        new Thread(
            () -> {
              try {
                for (Object[] item; (item = full.take()) != END; ) {
                  byte[] p = (byte[]) item[0];
                  work.run(p, (Integer) item[1]);
                  (handBack ? done : free).put(p);
                }
              } catch (Throwable t) {
                failure = t;
                free.clear();
                free.offer(FAILED); // unblock take()
                done.offer(FAILED); // and awaitDone()
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

  /**
   * Hand-back mode: the next buffer the worker has processed, in submission order, waiting for it;
   * null if the worker failed ({@link #failure()}).
   */
  public byte[] awaitDone() throws InterruptedIOException {
    if (!handBack) {
      throw new IllegalStateException("not in hand-back mode");
    }
    return next(done);
  }

  private byte[] next(BlockingQueue<byte[]> queue) throws InterruptedIOException {
    try {
      byte[] b = queue.take();
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

  /** Hand-back mode: returns a buffer from {@link #awaitDone()} to the free set. */
  public void recycle(byte[] buffer) {
    free.add(buffer);
  }

  /** Whether a free buffer is waiting, so that {@link #take()} would not block (a hint). */
  public boolean hasFree() {
    return !free.isEmpty();
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
      Arrays.fill(b, (byte) 0);
    }
  }

  /** What made {@code work} throw, or null. */
  public Throwable failure() {
    return failure;
  }
}
