#!/bin/sh
# docker-compose.yml, profile `scale`: run by the postgres image's entrypoint once, when cloud-postgres
# initialises its empty volume (docker-entrypoint-initdb.d). POSTGRES_USER/POSTGRES_DB (`cloud`) are
# the cloud's; this adds the scale profile's local store: a role of its own (not the superuser) and
# its database. The same password as the stack's, from the container's environment; psql quotes it.
set -e
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v store_password="$POSTGRES_PASSWORD" <<'SQL'
CREATE ROLE local_store LOGIN PASSWORD :'store_password';
CREATE DATABASE local_store OWNER local_store;
SQL
