// What other workspace code (the stack script, system tests) may use to run a local store in-process.
export { createApp, type AppDeps } from './app';
export { ConfigSchema, loadLocalStoreConfig, type Config } from './config';
export { openDatabase, type Database } from './db/database';
export { applyMigrations } from './db/migrate';
export { databaseInRunningEmbeddedPostgres } from './db/select-database';
export { createServices, type Services } from './services';
export { createCloudClient, type CloudClient } from './cloud/cloud-client';
