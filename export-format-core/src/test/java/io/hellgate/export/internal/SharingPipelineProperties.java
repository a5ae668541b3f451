package io.hellgate.export.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class SharingPipelineProperties {
  private static final int BYTES = 64;

  /** What one job saw: the sequence numbers found in the buffers, in the order it ran. */
  private static final class Seen implements SharingPipeline.Work {
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    final long maxPauseNanos;
    final Random random;

    Seen(long maxPauseNanos, long seed) {
      this.maxPauseNanos = maxPauseNanos;
      this.random = new Random(seed);
    }

    @Override
    public void run(byte[] buffer, int length) {
      assertThat(length).isEqualTo(BYTES - buffer[0] % 7);
      for (int i = 1; i < length; i++) {
        assertThat(buffer[i]).as("byte %d of a buffer in use", i).isEqualTo(buffer[0]);
      }
      order.add((int) buffer[0]);
      pause(random, maxPauseNanos);
    }
  }

  private static void pause(Random random, long maxNanos) {
    if (maxNanos > 0) {
      LockSupport.parkNanos(random.nextInt((int) maxNanos));
    }
  }

  private static List<Integer> upTo(int n) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(i);
    }
    return l;
  }

  /** Fills {@code count} buffers with their sequence number (as a byte: 0..126) and drains. */
  private static SharingPipeline feed(SharingPipeline p, int count, Random random, long callerPauseNanos)
      throws InterruptedIOException {
    byte[] b = p.take();
    for (int i = 0; i < count; i++) {
      java.util.Arrays.fill(b, (byte) i);
      pause(random, callerPauseNanos);
      p.submit(b, BYTES - i % 7);
      if (i + 1 < count) {
        b = p.take();
      }
    }
    p.drain();
    return p;
  }

  @Property(tries = 60)
  void eachJobSeesEveryBufferOnceInOrderWithItsContentIntact(
      @ForAll @IntRange(min = 2, max = 5) int buffers,
      @ForAll @IntRange(max = 120) int count,
      @ForAll @IntRange(max = 3) int callerSpeed,
      @ForAll @IntRange(max = 3) int sharedSpeed,
      @ForAll @IntRange(max = 3) int workerSpeed,
      @ForAll long seed) throws Exception {
    // Pauses of 0, 20, 80 or 200 microseconds: each side is the slow one in some tries.
    long[] pauses = {0, 20_000, 80_000, 200_000};
    Seen shared = new Seen(pauses[sharedSpeed], seed);
    Seen worker = new Seen(pauses[workerSpeed], seed + 1);
    SharingPipeline p = new SharingPipeline(buffers, BYTES, "test", shared, worker);
    try {
      feed(p, count, new Random(seed), pauses[callerSpeed]);
      assertThat(p.failure()).isNull();
    } finally {
      p.stop(false);
    }
    assertThat(shared.order).isEqualTo(upTo(count));
    assertThat(worker.order).isEqualTo(upTo(count));
    long[] counts = p.sharedCounts();
    assertThat(counts[0] + counts[1]).isEqualTo(count);
  }

  @Example
  void theWorkerRunsTheSharedJobWhenTheCallerIsTheSlowSide() throws Exception {
    SharingPipeline p = new SharingPipeline(4, BYTES, "test", (b, n) -> {}, (b, n) -> {});
    try {
      byte[] b = p.take();
      for (int i = 0; i < 100; i++) {
        java.util.Arrays.fill(b, (byte) i);
        Thread.sleep(1); // the caller is slow: the worker is idle and takes the shared job
        p.submit(b, BYTES - i % 7);
        b = p.take();
      }
      p.drain();
      assertThat(p.sharedCounts()[1]).as("shared jobs run by the worker").isGreaterThanOrEqualTo(90);
    } finally {
      p.stop(false);
    }
  }

  @Example
  void theCallerRunsTheSharedJobWhenTheWorkerIsTheSlowSide() throws Exception {
    SharingPipeline p = new SharingPipeline(4, BYTES, "test", (b, n) -> {}, (b, n) -> Thread.sleep(1));
    try {
      feed(p, 100, new Random(1), 0);
      assertThat(p.sharedCounts()[0]).as("shared jobs run by the caller").isGreaterThanOrEqualTo(90);
    } finally {
      p.stop(false);
    }
  }

  @Example
  void aFailingWorkerJobIsReportedAndUnblocksTheCaller() throws Exception {
    IOException boom = new IOException("disk full");
    SharingPipeline p = new SharingPipeline(2, BYTES, "test", (b, n) -> {}, (b, n) -> {
      throw boom;
    });
    try {
      byte[] b = p.take();
      p.submit(b, BYTES);
      byte[] next = p.take();
      if (next != null) {
        p.submit(next, BYTES);
        next = p.take();
      }
      assertThat(next).isNull();
      p.drain(); // returns at once
      assertThat(p.failure()).isSameAs(boom);
    } finally {
      p.stop(false);
    }
  }

  @Example
  void aFailingSharedJobIsReportedWhicheverThreadRanIt() throws Exception {
    IllegalStateException boom = new IllegalStateException("boom");
    SharingPipeline p = new SharingPipeline(2, BYTES, "test", (b, n) -> {
      throw boom;
    }, (b, n) -> {});
    try {
      byte[] b = p.take();
      p.submit(b, BYTES);
      p.drain();
      assertThat(p.failure()).isSameAs(boom);
      assertThat(p.take()).isNull();
    } finally {
      p.stop(false);
    }
  }

  @Example
  void stopWipesEveryBufferIncludingTheCallersOwn() throws Exception {
    byte[] own = new byte[BYTES];
    java.util.Arrays.fill(own, (byte) 7);
    SharingPipeline p = new SharingPipeline(2, BYTES, "test", (b, n) -> {}, (b, n) -> {});
    p.submit(own, BYTES);
    byte[] taken = p.take();
    java.util.Arrays.fill(taken, (byte) 9);
    p.stop(false);
    assertThat(own).containsOnly(0);
    assertThat(taken).containsOnly(0);
    assertThatThrownBy(() -> p.submit(taken, 1)).isInstanceOf(IllegalStateException.class);
  }

  @Example
  void stopWithAbandonDropsWorkNotStarted() throws Exception {
    AtomicReference<Thread> workerThread = new AtomicReference<>();
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    SharingPipeline p = new SharingPipeline(3, BYTES, "test", (b, n) -> {}, (b, n) -> {
      workerThread.set(Thread.currentThread());
      runs.incrementAndGet();
      started.countDown();
      Thread.sleep(50);
    });
    for (int i = 0; i < 3; i++) {
      p.submit(p.take(), BYTES);
    }
    started.await();
    p.stop(true);
    assertThat(runs.get()).isLessThan(3);
    assertThat(workerThread.get().isAlive()).isFalse();
  }

  @Example
  void anInterruptedCallerGetsInterruptedIoException() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    SharingPipeline p = new SharingPipeline(2, BYTES, "test", (b, n) -> {}, (b, n) -> release.await());
    try {
      p.submit(p.take(), BYTES);
      p.submit(p.take(), BYTES);
      Thread.currentThread().interrupt();
      assertThatThrownBy(p::take).isInstanceOf(InterruptedIOException.class);
      assertThat(Thread.interrupted()).isTrue();
    } finally {
      release.countDown();
      p.stop(true);
    }
  }
}
