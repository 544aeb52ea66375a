#!/usr/bin/env bash
# Starts a single-node KRaft Kafka (broker + controller) on 127.0.0.1:9092.
# Idempotent: when something already answers on the port, it does nothing.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
data="${KAFKA_DATA_DIR:-$here/data}"
logs="$here/logs"
heap="${KAFKA_HEAP:-768m}"

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
  "-Dlog4j2.configurationFile=$here/log4j2.xml" "-Dkafka.logs.dir=$logs")

if [[ ! -f "$data/kraft/meta.properties" ]]; then
  cluster_id="$(java -cp "$classpath" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)"
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
