export { migrateDeploy, pendingMigrations, type MigrationStatusQuery } from './migrate';
