#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker + controller) on 127.0.0.1:9092.
# Idempotent: when something already answers on the port, it does nothing.
# A second, private broker (e.g. one a fault test stops and restarts):
#   KAFKA_PORT=19092 KAFKA_CONTROLLER_PORT=19093 KAFKA_DATA_DIR=/tmp/kafka-x bash start.sh
# keeps its data, pid file and logs under KAFKA_DATA_DIR; stop it with the same KAFKA_DATA_DIR and stop.sh.
# A restart with the same KAFKA_DATA_DIR resumes the same cluster and topics.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
data="${KAFKA_DATA_DIR:-$here/data}"
if [[ -n "${KAFKA_DATA_DIR:-}" ]]; then logs="${KAFKA_LOG_DIR:-$data/logs}"; else logs="${KAFKA_LOG_DIR:-$here/logs}"; fi
heap="${KAFKA_HEAP:-768m}"
# More JVM flags, e.g. KAFKA_EXTRA_JAVA_OPTS=-XX:TieredStopAtLevel=1 for a test broker that must (re)start fast on a busy machine.

is_up() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

if is_up; then
  echo "kafka: already running on 127.0.0.1:$port"
  exit 0
fi

bash "$here/install.sh"
mkdir -p "$data" "$logs"
config="$data/server.properties"
sed -e "s#@PORT@#$port#g" -e "s#@CONTROLLER_PORT@#$controller_port#g" -e "s#@DATA@#$data/kraft#g" \
  "$here/server.properties.template" > "$config"

classpath="$here/jars/*"
java_opts=(-Xms256m "-Xmx$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
  ${KAFKA_EXTRA_JAVA_OPTS:-}
  "-Dlog4j2.configurationFile=$here/log4j2.xml" "-Dkafka.logs.dir=$logs")

if [[ ! -f "$data/kraft/meta.properties" ]]; then
  # A Kafka cluster id is 16 random bytes, base64url without padding (what StorageTool random-uuid prints, without a JVM start).
  cluster_id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
  java "${java_opts[@]}" -cp "$classpath" kafka.tools.StorageTool format \
    --cluster-id "$cluster_id" --config "$config" --standalone >>"$logs/format.log" 2>&1
fi

nohup java "${java_opts[@]}" -cp "$classpath" kafka.Kafka "$config" >>"$logs/server.out" 2>&1 &
echo $! > "$data/kafka.pid"

for _ in $(seq 1 120); do
  if is_up; then
    echo "kafka: up on 127.0.0.1:$port (pid $(cat "$data/kafka.pid"), logs in $logs)"
    exit 0
  fi
  if ! kill -0 "$(cat "$data/kafka.pid")" 2>/dev/null; then
    echo "kafka: the broker exited during start; last log lines:" >&2
    tail -n 30 "$logs/server.out" >&2
    exit 1
  fi
  sleep 0.5
done
echo "kafka: did not answer on 127.0.0.1:$port within 60 s; see $logs/server.out" >&2
exit 1
