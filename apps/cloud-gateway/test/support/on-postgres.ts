// Setup of the "@dtg/cloud-gateway (postgres)" Jest project: every cloud the harness starts runs on a Postgres database of its own.
process.env.CLOUD_TEST_DATABASE = 'postgres';
