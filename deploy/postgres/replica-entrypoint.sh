#!/bin/bash
# The streaming replica: on first start, a base backup of the primary (-R writes standby.signal and
# primary_conninfo; -S uses the slot primary-init.sh made, so the primary keeps the WAL the replica
# still needs), then PostgreSQL as a hot standby.
set -euo pipefail
export PGPASSWORD="$REPLICATION_PASSWORD"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  chmod 700 "$PGDATA"
  until pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -S replica1 -P; do
    echo "waiting for the primary..."
    rm -rf "${PGDATA:?}"/*
    sleep 2
  done
fi
exec postgres -c hot_standby=on
