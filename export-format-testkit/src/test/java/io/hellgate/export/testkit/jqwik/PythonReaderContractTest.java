package io.hellgate.export.testkit.jqwik;

import io.hellgate.export.testkit.golden.ExternalReader;
import io.hellgate.export.testkit.golden.Implementation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.PropertyDefaults;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;

/**
 * The reader contract against docs/vectors/verify_vectors.py, an independent reader in Python, run
 * as a subprocess through ExternalReader and docs/vectors/read_export.py: the same properties as
 * ExportReaderContractTest, across a process and a language. Fewer tries (a process per try).
 * Skipped with a message when python3 or its cryptography package is missing; CI has both.
 */
@PropertyDefaults(tries = 8)
@AddLifecycleHook(PythonReaderContractTest.RequiresPython.class)
class PythonReaderContractTest extends ReaderContract {
  static final Path SCRIPT = Path.of("..", "docs", "vectors", "read_export.py");
  static final String PYTHON = System.getProperty("verify.python", "python3");

  @Override
  protected Implementation reader() {
    return ExternalReader.of(List.of(PYTHON, SCRIPT.toString(), "{key}", "{certificate}"));
  }

  /** Skips the container unless the script, python3 and cryptography are present. */
  static final class RequiresPython implements SkipExecutionHook {
    @Override
    public SkipResult shouldBeSkipped(LifecycleContext context) {
      if (!Files.isRegularFile(SCRIPT)) {
        return SkipResult.skip("skipped: " + SCRIPT.toAbsolutePath() + " is absent");
      }
      int rc;
      try {
        Process p = new ProcessBuilder(PYTHON, "-c", "import cryptography").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        rc = p.waitFor(60, TimeUnit.SECONDS) ? p.exitValue() : -1;
      } catch (IOException e) {
        rc = -1;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        rc = -1;
      }
      return rc == 0 ? SkipResult.doNotSkip()
          : SkipResult.skip("skipped: " + PYTHON + " with the 'cryptography' package is not available (pip install cryptography)");
    }
  }
}
