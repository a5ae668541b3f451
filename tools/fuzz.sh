#!/usr/bin/env bash
# Long fuzzing run (docs/security.md, "Fuzzing"): each Jazzer fuzz test in turn, SECONDS each, niced.
#   tools/fuzz.sh [SECONDS] [TEST ...]     e.g. tools/fuzz.sh 600 RecordCodecFuzzTest
# FUZZ_EXTRA adds Maven -D options, e.g. FUZZ_EXTRA=-Djazzer.keep_going=50 to go on after findings.
# Generated corpora go to <module>/.cifuzz-corpus/ (kept between runs, not committed); a finding is
# written to <module>/src/test/resources/<package>/<Class>Inputs/<method>/ (commit it with the fix:
# every build replays it). Per-target logs and "Done N runs in S second(s)" lines: target/fuzz-long/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-600}"
shift || true
all=(export-format-core:ArchiveReaderFuzzTest export-format-core:ManifestCodecFuzzTest
     export-format-core:RecordCodecFuzzTest export-format-crypto:PemKeyFuzzTest
     export-format-crypto:CertificateFuzzTest export-format-crypto:Pkcs12FuzzTest)
targets=()
for t in "${all[@]}"; do
  if [ $# -eq 0 ] || printf '%s\n' "$@" | grep -qx "${t#*:}"; then targets+=("$t"); fi
done
mkdir -p target/fuzz-long
nice -n 19 mvn -B -q -Dfuzz.skip -DskipTests -pl export-format-core,export-format-crypto verify
for t in "${targets[@]}"; do
  test="${t#*:}"
  log="target/fuzz-long/$test.log"
  echo "fuzzing $test for ${seconds}s (log: $log)"
  # Libraries are instrumented too, so that coverage inside the gzip/tar, JSON and ASN.1 parsers
  # guides the mutations; -timeout makes a single input that runs 10 s a finding (a hang).
  # Both modules, so that crypto resolves core from the reactor (nothing is installed); only the
  # selected test runs (test-compile stops before the test phase).
  JAZZER_FUZZ=1 nice -n 19 mvn -B -q -pl export-format-core,export-format-crypto test-compile surefire:test \
    -Dtest="$test" -Dsurefire.failIfNoSpecifiedTests=false \
    -Djazzer.instrument='io.hellgate.**,org.apache.commons.compress.**,com.fasterxml.jackson.core.**,org.bouncycastle.**' \
    -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-max_total_time="$seconds" \
    -Djazzer.internal.arg.2=-timeout=10 ${FUZZ_EXTRA:-} >"$log" 2>&1 && status=ok || status="FAILED (finding?)"
  echo "$test: $status: $(grep -ho 'Done [0-9]* runs in [0-9]* second(s)' "$log" | tail -1)"
done
