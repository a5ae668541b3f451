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

  /**
   * Runs {@code body} on another thread and fails if it takes more than 30 s: a pipeline bug shows
   * as a hang, which must fail the build, not stall it.
   */
  static <T> T within(java.util.concurrent.Callable<T> body) throws Exception {
    java.util.concurrent.ExecutorService ex = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "pipeline-test");
      t.setDaemon(true);
      return t;
    });
    try {
      return ex.submit(body).get(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw (Error) e.getCause();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("the pipeline hung (30 s)", e);
    } finally {
      ex.shutdownNow();
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
    within(() -> {
      try {
        feed(p, count, new Random(seed), pauses[callerSpeed]);
        assertThat(p.failure()).isNull();
      } finally {
        p.stop(false);
      }
      return null;
    });
    assertThat(shared.order).isEqualTo(upTo(count));
    assertThat(worker.order).isEqualTo(upTo(count));
    long[] counts = p.sharedCounts();
    assertThat(counts[0] + counts[1]).isEqualTo(count);
  }

  @Example
  void theWorkerRunsTheSharedJobWhenTheCallerIsTheSlowSide() throws Exception {
    within(() -> {
      SharingPipeline p = new SharingPipeline(4, BYTES, "test", (b, n) -> {}, (b, n) -> {});
      try {
        byte[] b = p.take();
        for (int i = 0; i < 100; i++) {
          java.util.Arrays.fill(b, (byte) i);
          // The caller is slow: it waits, outside take() and drain(), until the worker has run the
          // shared job on everything submitted, so only the worker can have run it. (The worker
          // prefers its own job, so every buffer before i is then free: take() never waits.)
          while (p.sharedCounts()[0] + p.sharedCounts()[1] < i) {
            Thread.onSpinWait();
          }
          p.submit(b, BYTES - i % 7);
          b = p.take();
        }
        while (p.sharedCounts()[1] < 100) {
          Thread.onSpinWait();
        }
        p.drain();
        assertThat(p.sharedCounts()).containsExactly(0, 100);
      } finally {
        p.stop(false);
      }
      return null;
    });
  }

  @Example
  void theCallerRunsTheSharedJobWhenTheWorkerIsTheSlowSide() throws Exception {
    within(() -> {
      // The worker's own job blocks until the caller has run the shared job on its buffer, so the
      // worker is never idle while a shared job is due: the caller runs every one.
      SharingPipeline[] self = new SharingPipeline[1];
      java.util.concurrent.atomic.AtomicLong workerJobs = new java.util.concurrent.atomic.AtomicLong();
      SharingPipeline p = new SharingPipeline(4, BYTES, "test", (b, n) -> {}, (b, n) -> {
        long mine = workerJobs.getAndIncrement();
        while (self[0].sharedCounts()[0] <= mine) {
          LockSupport.parkNanos(100_000);
        }
      });
      self[0] = p;
      try {
        feed(p, 100, new Random(1), 0);
        assertThat(p.sharedCounts()).containsExactly(100, 0);
      } finally {
        p.stop(false);
      }
      return null;
    });
  }

  /**
   * Random buffer counts, pacing on all three sides, failures injected into either job, early
   * abandonment: never a hang, never a buffer handed out while a job reads it, never a job out of
   * order or on a buffer overwritten under it. (From a review's stress probe.)
   */
  @Example
  void survivesRandomPacingFailuresAndAbandonment() throws Exception {
    java.util.Map<byte[], java.util.concurrent.atomic.AtomicInteger> readers =
        java.util.Collections.synchronizedMap(new java.util.IdentityHashMap<>());
    Random seeds = new Random(12345);
    for (int round = 0; round < 1000; round++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      int buffers = 2 + r.nextInt(4);
      int count = r.nextInt(60);
      int failAt = r.nextInt(4) == 0 ? r.nextInt(Math.max(1, count)) : -1;
      boolean failShared = r.nextBoolean();
      boolean abandon = r.nextInt(5) == 0;
      int[] sharedSeq = {0};
      int[] workerSeq = {0};
      AtomicReference<String> problem = new AtomicReference<>();
      SharingPipeline p = new SharingPipeline(buffers, BYTES, "stress",
          (b, n) -> stressJob(readers, b, n, sharedSeq, r.nextInt(3) == 0, problem, failShared ? failAt : -1),
          (b, n) -> stressJob(readers, b, n, workerSeq, r.nextInt(3) == 0, problem, failShared ? -1 : failAt));
      within(() -> {
        try {
          for (int i = 0; i < count; i++) {
            byte[] b = p.take();
            if (b == null) {
              return null; // a job failed
            }
            if (readers.computeIfAbsent(b, k -> new java.util.concurrent.atomic.AtomicInteger()).get() != 0) {
              problem.compareAndSet(null, "take() returned a buffer a job is reading");
            }
            java.util.Arrays.fill(b, (byte) i);
            if (r.nextInt(3) == 0) {
              LockSupport.parkNanos(20_000);
            }
            p.submit(b, BYTES);
            if (abandon && i == count / 2) {
              p.stop(true);
              return null;
            }
          }
          p.drain();
          return null;
        } finally {
          p.stop(false);
        }
      });
      assertThat(problem.get()).as("seed %d", seed).isNull();
      if (failAt < 0 && !abandon) {
        assertThat(p.failure()).as("seed %d", seed).isNull();
        assertThat(sharedSeq[0]).as("seed %d", seed).isEqualTo(count);
        assertThat(workerSeq[0]).as("seed %d", seed).isEqualTo(count);
      }
    }
  }

  private static void stressJob(java.util.Map<byte[], java.util.concurrent.atomic.AtomicInteger> readers, byte[] b,
      int n, int[] seq, boolean pause, AtomicReference<String> problem, int failAt) throws IOException {
    java.util.concurrent.atomic.AtomicInteger u = readers.computeIfAbsent(b, k -> new java.util.concurrent.atomic.AtomicInteger());
    u.incrementAndGet();
    try {
      byte v = b[0];
      if (v != (byte) seq[0]) {
        problem.compareAndSet(null, "out of order: saw " + v + ", expected " + seq[0]);
      }
      if (seq[0] == failAt) {
        throw new IOException("injected failure");
      }
      if (pause) {
        LockSupport.parkNanos(30_000);
      }
      for (int i = 0; i < n; i++) {
        if (b[i] != v) {
          problem.compareAndSet(null, "buffer overwritten during a job");
        }
      }
      seq[0]++;
    } finally {
      u.decrementAndGet();
    }
  }

  @Example
  void aFailingWorkerJobIsReportedAndUnblocksTheCaller() throws Exception {
    within(() -> {
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
      return null;
    });
  }

  @Example
  void aFailingSharedJobIsReportedWhicheverThreadRanIt() throws Exception {
    within(() -> {
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
      return null;
    });
  }

  @Example
  void stopWipesEveryBufferIncludingTheCallersOwn() throws Exception {
    within(() -> {
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
      return null;
    });
  }

  @Example
  void stopWithAbandonDropsWorkNotStarted() throws Exception {
    within(() -> {
      AtomicReference<Thread> workerThread = new AtomicReference<>();
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
      SharingPipeline p = new SharingPipeline(3, BYTES, "test", (b, n) -> {}, (b, n) -> {
        workerThread.set(Thread.currentThread());
        runs.incrementAndGet();
        started.countDown();
        Thread.sleep(200); // stop(true) comes meanwhile
      });
      for (int i = 0; i < 3; i++) {
        p.submit(p.take(), BYTES);
      }
      started.await();
      p.stop(true);
      assertThat(runs.get()).isLessThan(3);
      assertThat(workerThread.get().isAlive()).isFalse();
      return null;
    });
  }

  @Example
  void anInterruptedCallerGetsInterruptedIoException() throws Exception {
    within(() -> {
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
      return null;
    });
  }
}
