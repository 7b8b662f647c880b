#!/bin/bash
# First start of the primary (docker-entrypoint-initdb.d): a role and a slot the replica streams WAL with.
set -euo pipefail
# The replica's slot is made here, once, so a replica rebuilt from scratch can take it again.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -c "CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}'" \
  -c "SELECT pg_create_physical_replication_slot('replica1')"
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
