#!/usr/bin/env bash
# Resolves the Apache Kafka server jars from Maven Central into ./jars (ignored by git).
# Cached: a second run with the same pom.xml does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jars="$here/jars"
stamp="$jars/.pom.sha256"
want="$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  exit 0
fi
command -v mvn >/dev/null || { echo "kafka/install: mvn is required (apt-get install maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "kafka/install: Java 17+ is required" >&2; exit 1; }
echo "kafka/install: resolving Kafka server jars from Maven Central…"
rm -rf "$jars"
mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$jars"
echo "$want" > "$stamp"
echo "kafka/install: $(ls "$jars"/*.jar | wc -l) jars in $jars"
