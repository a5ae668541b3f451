package io.hellgate.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing (Jazzer) of {@link ManifestCodec#parse(byte[])}, the strict
 * {@code manifest.json} parser.
 *
 * <p><b>Property:</b> any input is either a manifest, which {@link ManifestCodec#write} writes as
 * JSON that parses again to the same manifest (write, parse, write is a fixed point), or is
 * rejected with an {@link ExportFormatException} (reasons {@code malformed_manifest},
 * {@code unsupported_version}, {@code unsupported_algorithm}, {@code limit_exceeded}; including
 * the subtype {@link UnsupportedVersionException}) whose message quotes no digit run of the input.
 * Anything else (Jackson's own exceptions, IllegalArgument/IllegalState, OOM, stack overflow) is a
 * finding. Seeds: the manifests of the testkit's golden archives.
 */
class ManifestCodecFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void anyManifestIsParsedOrRejectedTyped(byte[] input) {
    ExportManifest m;
    try {
      m = ManifestCodec.parse(input);
    } catch (ExportFormatException e) {
      FuzzChecks.messageQuotesNoDigits(e.getMessage(), input);
      return;
    }
    byte[] written = ManifestCodec.write(m);
    ExportManifest again;
    try {
      again = ManifestCodec.parse(written);
    } catch (ExportFormatException e) {
      throw new AssertionError("an accepted manifest, written again, is rejected: " + e.getMessage(), e);
    }
    assertThat(ManifestCodec.write(again)).isEqualTo(written);
  }
}
