package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordBatch} when something goes wrong: whatever decoding a line throws, on either thread,
 * is thrown in that line's place and nothing after it is given out; the worker survives it; stop()
 * waits for the worker to leave the buffer; the worker inherits nothing from the caller's thread.
 * Faults come from the batch's decoder, the one seam it has for this.
 */
class RecordBatchTest {
  private static final byte[] LINE = FastRecordCheckProperties.MINIMAL.getBytes(StandardCharsets.UTF_8);
  private static final int STRIDE = LINE.length + 1;
  private static final int LINES = 2000;
  private static final byte[] DATA = lines(LINES);
  /** An idle timeout no test step comes near, so a test's worker stays the same one. */
  private static final long LONG_IDLE = TimeUnit.SECONDS.toNanos(120);

  private static byte[] lines(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < n; i++) {
      out.writeBytes(LINE);
      out.write('\n');
    }
    return out.toByteArray();
  }

  /** Decodes as the codec does, but throws {@code fault} at line index {@code at} while it is set. */
  private static final class Faulty implements RecordBatch.Decoder {
    final AtomicInteger at = new AtomicInteger(-1);
    final AtomicReference<Throwable> fault = new AtomicReference<>();
    /** Whether the worker decoded a line. */
    final java.util.concurrent.atomic.AtomicBoolean workerDecoded = new java.util.concurrent.atomic.AtomicBoolean();

    @Override
    public TokenRecord decode(byte[] b, int off, int len) throws RecordCodec.InvalidRecord {
      if (Thread.currentThread().getName().equals("export-reader-decode")) {
        workerDecoded.set(true);
      }
      if (off / STRIDE == at.get()) {
        Throwable t = fault.get();
        if (t instanceof RuntimeException) {
          throw (RuntimeException) t;
        }
        if (t instanceof Error) {
          throw (Error) t;
        }
        throw (RecordCodec.InvalidRecord) t;
      }
      return RecordCodec.parse(b, off, len);
    }
  }

  /** A two-thread batch whose decoder throws {@code fault} at line index {@code at}. */
  private static RecordBatch failingAt(Faulty decoder, Throwable fault, int at) {
    decoder.fault.set(fault);
    decoder.at.set(at);
    return new RecordBatch(true, 1, decoder, LONG_IDLE, null);
  }

  private static int drain(RecordBatch batch) throws RecordCodec.InvalidRecord {
    int n = 0;
    while (batch.hasNext()) {
      assertThat(batch.next()).isNotNull();
      n++;
    }
    return n;
  }

  @Test
  void anErrorOnTheWorkerIsThrownInItsLinesPlaceAndTheWorkerSurvivesIt() throws Exception {
    Faulty decoder = new Faulty();
    OutOfMemoryError oom = new OutOfMemoryError("simulated");
    RecordBatch batch = failingAt(decoder, oom, LINES - 10); // the worker's share starts at 7/8 at the latest
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> batch.decode(DATA, 0, DATA.length));
    Thread worker = batch.worker();
    assertThat(worker).isNotNull();
    assertThat(decoder.workerDecoded.get()).as("the worker decoded its share").isTrue();

    int given = 0;
    while (given < LINES - 10) {
      assertThat(batch.nextStart()).isEqualTo(given * STRIDE);
      batch.next();
      given++;
    }
    assertThat(batch.hasNext()).isTrue();
    assertThat(batch.nextStart()).isEqualTo((LINES - 10) * STRIDE);
    assertThat(catchThrowable(batch::next)).isSameAs(oom);
    assertThat(batch.hasNext()).as("nothing after the failed line").isFalse();

    decoder.at.set(-1);
    Assertions.assertTimeoutPreemptively(Duration.ofSeconds(20), () -> batch.decode(DATA, 0, DATA.length));
    assertThat(batch.worker()).as("the same worker decodes the next chunk").isSameAs(worker);
    assertThat(drain(batch)).isEqualTo(LINES);
    batch.stop();
  }

  @Test
  void aCrashInTheCallersShareHidesTheWorkersShareAndDropsItsRecords() throws Exception {
    IllegalStateException bug = new IllegalStateException("simulated codec bug");
    RecordBatch batch = failingAt(new Faulty(), bug, 3);
    batch.decode(DATA, 0, DATA.length);
    assertThat(batch.retainedForTesting()).as("only the caller's three records are kept").isEqualTo(3);
    for (int i = 0; i < 3; i++) {
      assertThat(batch.next()).isNotNull();
    }
    assertThat(catchThrowable(batch::next)).isSameAs(bug);
    assertThat(batch.hasNext()).isFalse();
    assertThat(batch.retainedForTesting()).isZero();
    batch.stop();
  }

  @Test
  void aLineThatIsNoRecordInTheWorkersShareEndsTheBatchThere() throws Exception {
    RecordCodec.InvalidRecord invalid = new RecordCodec.InvalidRecord("simulated");
    RecordBatch batch = failingAt(new Faulty(), invalid, LINES - 1);
    batch.decode(DATA, 0, DATA.length);
    for (int i = 0; i < LINES - 1; i++) {
      batch.next();
    }
    assertThatThrownBy(batch::next).isSameAs(invalid);
    assertThat(batch.hasNext()).isFalse();
    batch.stop();
  }

  @Test
  void stopReturnsOnlyOnceTheWorkerHasLeftTheBuffer() throws Exception {
    BlockingOnWorker decoder = new BlockingOnWorker(true);
    CountDownLatch entered = decoder.entered;
    CountDownLatch release = decoder.release;
    RecordBatch batch = new RecordBatch(true, 1, decoder, LONG_IDLE, null);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = decodeOnAnotherThread(batch, DATA, failure);
    assertThat(entered.await(20, TimeUnit.SECONDS)).as("the worker started decoding").isTrue();
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        reader.getState() != Thread.State.WAITING && System.nanoTime() < deadline; ) {
      Thread.sleep(5); // until the reader has decoded its share and waits for the worker's
    }
    assertThat(reader.getState()).isEqualTo(Thread.State.WAITING);
    Thread stopper = new Thread(batch::stop, "test-stop");
    stopper.setDaemon(true);
    stopper.start();
    stopper.join(300);
    assertThat(stopper.isAlive()).as("stop() waits while the worker decodes").isTrue();
    release.countDown();
    stopper.join(20_000);
    reader.join(20_000);
    assertThat(stopper.isAlive()).isFalse();
    assertThat(reader.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
    assertThat(batch.retainedForTesting()).isZero();
    assertThatThrownBy(() -> batch.decode(DATA, 0, DATA.length))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped");
  }

  @Test
  void aCursorGivesNothingAfterALineThatFailedToDecode() throws Exception {
    LineCursor cursor = new LineCursor(1 << 20, failingAt(new Faulty(), new IllegalStateException("simulated codec bug"), 3));
    PlaintextChunks chunks = new LineCursorProperties.ReusedBuffer(DATA, 100 * STRIDE);
    for (int line = 1; line <= 3; line++) {
      assertThat(cursor.advanceRecord(chunks)).isTrue();
      assertThat(cursor.record()).isNotNull();
    }
    assertThat(cursor.advanceRecord(chunks)).isTrue();
    assertThatThrownBy(cursor::record).hasMessage("simulated codec bug");
    assertThat(cursor.lines()).isEqualTo(4);
    assertThatThrownBy(() -> cursor.advanceRecord(chunks))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("line 4");
    assertThatThrownBy(() -> cursor.advance(chunks)).isInstanceOf(IllegalStateException.class);
    assertThat(cursor.lines()).isEqualTo(4);
    cursor.wipe();
  }

  private static final InheritableThreadLocal<String> CALLER_CONTEXT = new InheritableThreadLocal<>();

  @Test
  void theWorkerInheritsNoThreadLocalsAndUsesTheLibrarysClassLoader() throws Exception {
    AtomicReference<String> seen = new AtomicReference<>("unset");
    AtomicReference<ClassLoader> loader = new AtomicReference<>();
    RecordBatch batch =
        new RecordBatch(
            true,
            1,
            (b, off, len) -> {
              if (Thread.currentThread().getName().equals("export-reader-decode")) {
                seen.set(CALLER_CONTEXT.get());
                loader.set(Thread.currentThread().getContextClassLoader());
              }
              return RecordCodec.parse(b, off, len);
            },
            LONG_IDLE,
            null);
    ClassLoader callers = Thread.currentThread().getContextClassLoader();
    CALLER_CONTEXT.set("caller's secret context");
    Thread.currentThread().setContextClassLoader(new ClassLoader(callers) {});
    try {
      batch.decode(DATA, 0, DATA.length);
    } finally {
      CALLER_CONTEXT.remove();
      Thread.currentThread().setContextClassLoader(callers);
    }
    assertThat(drain(batch)).isEqualTo(LINES);
    assertThat(seen.get()).isNull();
    assertThat(loader.get()).isSameAs(RecordBatch.class.getClassLoader());
    Thread worker = batch.worker();
    assertThat(worker.isDaemon()).isTrue();
    batch.stop();
    worker.join(20_000);
    assertThat(worker.isAlive()).as("stop() ends the worker").isFalse();
  }

  /** Holds a worker that went idle just before it ends, as a preemption there would. */
  private static final class HeldAtIdleExit implements Runnable {
    final CountDownLatch held = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void run() {
      held.countDown();
      awaitQuietly(release);
    }
  }

  /**
   * Decodes as the codec does; while armed, the worker's first line signals {@code entered} and
   * waits for {@code release}.
   */
  private static final class BlockingOnWorker implements RecordBatch.Decoder {
    final java.util.concurrent.atomic.AtomicBoolean armed;
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    BlockingOnWorker(boolean armed) {
      this.armed = new java.util.concurrent.atomic.AtomicBoolean(armed);
    }

    @Override
    public TokenRecord decode(byte[] b, int off, int len) throws RecordCodec.InvalidRecord {
      if (armed.get() && Thread.currentThread().getName().equals("export-reader-decode") && entered.getCount() > 0) {
        entered.countDown();
        awaitQuietly(release);
      }
      return RecordCodec.parse(b, off, len);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final byte[] FOUR = lines(4);

  private static Thread decodeOnAnotherThread(RecordBatch batch, byte[] data, AtomicReference<Throwable> failure) {
    Thread t = new Thread(() -> {
      try {
        batch.decode(data, 0, data.length);
      } catch (Throwable e) {
        failure.set(e);
      }
    }, "test-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Regression: the worker going idle took the next job on its way out and failed it: a valid read failed. */
  @Test
  void aDecodeJustAsTheWorkerGoesIdleStartsAnotherWorker() throws Exception {
    HeldAtIdleExit hold = new HeldAtIdleExit();
    RecordBatch batch = new RecordBatch(true, 1, RecordCodec::parse, TimeUnit.MILLISECONDS.toNanos(50), hold);
    batch.decode(FOUR, 0, FOUR.length);
    assertThat(drain(batch)).isEqualTo(4);
    Thread first = batch.worker();
    assertThat(hold.held.await(20, TimeUnit.SECONDS)).as("the worker went idle").isTrue();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = decodeOnAnotherThread(batch, FOUR, failure);
    reader.join(20_000); // with the fix, a new worker takes the job while the old one is still held
    hold.release.countDown();
    reader.join(20_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
    assertThat(drain(batch)).isEqualTo(4);
    assertThat(batch.worker()).isNotSameAs(first);
    batch.stop();
  }

  /** Regression guard for that fix: the old worker, ending during the new one's job, leaves it alone. */
  @Test
  void anOldWorkerEndingLeavesTheNewWorkersJobAlone() throws Exception {
    HeldAtIdleExit hold = new HeldAtIdleExit();
    BlockingOnWorker decoder = new BlockingOnWorker(false); // armed for the second decode only
    CountDownLatch inNewJob = decoder.entered;
    CountDownLatch finishNewJob = decoder.release;
    RecordBatch batch = new RecordBatch(true, 1, decoder, TimeUnit.MILLISECONDS.toNanos(50), hold);
    batch.decode(FOUR, 0, FOUR.length);
    assertThat(drain(batch)).isEqualTo(4);
    Thread old = batch.worker();
    assertThat(hold.held.await(20, TimeUnit.SECONDS)).isTrue();
    decoder.armed.set(true);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread reader = decodeOnAnotherThread(batch, FOUR, failure);
    assertThat(inNewJob.await(20, TimeUnit.SECONDS)).as("a new worker took the job").isTrue();
    hold.release.countDown(); // the old worker ends while the new one's job is pending
    old.join(20_000);
    assertThat(old.isAlive()).isFalse();
    finishNewJob.countDown();
    reader.join(20_000);
    assertThat(failure.get()).isNull();
    assertThat(drain(batch)).isEqualTo(4);
    batch.stop();
  }

  @Test
  void aFailedLineEndsTheBatchAndAStoppedBatchRefusesToDecode() throws Exception {
    RecordCodec.InvalidRecord invalid = new RecordCodec.InvalidRecord("simulated");
    RecordBatch batch = failingAt(new Faulty(), invalid, 1);
    batch.decode(DATA, 0, DATA.length);
    batch.next();
    assertThatThrownBy(batch::next).isSameAs(invalid);
    assertThat(batch.hasNext()).isFalse();
    assertThatThrownBy(batch::next).as("a next() too many fails, it gives nothing out")
        .isInstanceOf(RuntimeException.class);
    batch.stop();
    assertThatThrownBy(() -> batch.decode(FOUR, 0, FOUR.length)).isInstanceOf(IllegalStateException.class);
  }
}
