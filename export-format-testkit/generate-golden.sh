#!/usr/bin/env bash
# Regenerates the golden archives and conformance vectors in
# export-format-testkit/src/main/resources/golden/ (keys/ is an input and is kept).
# Run from anywhere; builds core and the testkit (no install), then runs GoldenGenerator.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
mvn -B -q -pl export-format-testkit -am package -DskipTests \
  dependency:build-classpath -Dmdep.outputFile=target/generator.classpath -Dmdep.includeScope=runtime
cp="export-format-testkit/target/classes:$(cat export-format-testkit/target/generator.classpath)"
# Inside the reactor, core resolves to its jar in export-format-core/target.
java -cp "$cp" io.hellgate.export.testkit.golden.GoldenGenerator export-format-testkit/src/main/resources/golden
