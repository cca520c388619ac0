// The migration life cycle every database must pass with the real Prisma CLI and the offline
// engine: generate, diff → deploy → status, a second diffed migration, drift check,
// `migrate dev --create-only`, `migrate reset --force`, then the generated client on the result.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createFixtureProject, type FixtureProject } from './fixture-project';
import { fixtureSchema } from './fixture-schema';
import type { DatabaseTarget } from './database-targets';

// Only what the round trip below touches of the generated client.
interface FixtureClient {
  team: {
    create(args: { data: { name: string; members: { create: { email: string; joinedAt: Date }[] } } }): Promise<unknown>;
    findUniqueOrThrow(args: { where: { name: string }; include: { members: true } }): Promise<{
      createdAt: Date;
      members: { email: string; role: string; joinedAt: Date }[];
    }>;
  };
  $disconnect(): Promise<void>;
}
type FixtureClientClass = new (options: { adapter: unknown }) => FixtureClient;

export function describeCliLifecycle(makeTarget: () => DatabaseTarget): void {
  const target = makeTarget();
  let project: FixtureProject;

  beforeAll(() => {
    project = createFixtureProject(target.url, target.provider);
  });

  afterAll(async () => {
    project.remove();
    await target.cleanup();
  });

  test('when generating, then a CommonJS client is written without any download', async () => {
    project.writeSchema(fixtureSchema(target.provider, 1));
    const result = await project.prisma('generate');
    expect(result).toMatchObject({ code: 0 });
    expect(existsSync(path.join(project.dir, 'generated/prisma/client.ts'))).toBe(true);
  });

  test('when a migration diffed from empty is deployed, then status is up to date', async () => {
    const diff = await project.prisma('migrate', 'diff', '--from-empty', '--to-schema', 'prisma/schema.prisma', '--script');
    expect(diff).toMatchObject({ code: 0 });
    expect(diff.stdout).toContain('CREATE TABLE "Member"');
    expect(diff.stdout).toContain('CREATE UNIQUE INDEX "Team_name_key"');
    project.addMigration('20240101000000_init', diff.stdout);

    const deploy = await project.prisma('migrate', 'deploy');
    expect(deploy).toMatchObject({ code: 0 });
    expect(deploy.stdout).toContain('All migrations have been successfully applied.');
    const status = await project.prisma('migrate', 'status');
    expect(status).toMatchObject({ code: 0 });
    expect(status.stdout).toContain('Database schema is up to date!');
    expect(await target.appliedMigrations(project.dir)).toEqual(['20240101000000_init']);
  });

  test('when a second migration is diffed from the migrations folder and deployed, then no drift remains', async () => {
    project.writeSchema(fixtureSchema(target.provider, 2));
    const diff = await project.prisma('migrate', 'diff', '--from-migrations', 'prisma/migrations', '--to-schema', 'prisma/schema.prisma', '--script');
    expect(diff).toMatchObject({ code: 0 });
    expect(diff.stdout).toMatch(/ALTER TABLE "Member" ADD COLUMN\s+"nickname" TEXT/);
    project.addMigration('20240102000000_nickname', diff.stdout);

    expect(await project.prisma('migrate', 'deploy')).toMatchObject({ code: 0 });
    const drift = await project.prisma('migrate', 'diff', '--from-config-datasource', '--to-schema', 'prisma/schema.prisma', '--exit-code');
    expect(drift).toMatchObject({ code: 0 });
    expect(drift.stdout).toContain('No difference detected.');
  });

  test('when migrate dev runs with --create-only, then the migration is written but not applied', async () => {
    project.writeSchema(fixtureSchema(target.provider, 3));
    expect(await project.prisma('migrate', 'dev', '--create-only', '--name', 'audit')).toMatchObject({ code: 0 });
    const created = project.migrationNames().filter((name) => name.endsWith('_audit'));
    expect(created).toHaveLength(1);
    expect(await target.appliedMigrations(project.dir)).toEqual(['20240101000000_init', '20240102000000_nickname']);
  });

  test('when migrate reset --force runs, then the database is rebuilt from every migration', async () => {
    expect(await project.prisma('migrate', 'reset', '--force')).toMatchObject({ code: 0 });
    expect(await target.appliedMigrations(project.dir)).toEqual(project.migrationNames());
  });

  test('when the generated client writes through the driver adapter, then it reads the same values back', async () => {
    const generated: { PrismaClient: FixtureClientClass } = await import(path.join(project.dir, 'generated/prisma/client.ts'));
    const { PrismaClient } = generated;
    const prisma = new PrismaClient({ adapter: target.adapter(project.dir) });
    try {
      const joinedAt = new Date('2024-05-06T07:08:09.123Z');
      const before = Date.now();
      await prisma.team.create({ data: { name: 'core', members: { create: [{ email: 'a@example.com', joinedAt }] } } });
      const team = await prisma.team.findUniqueOrThrow({ where: { name: 'core' }, include: { members: true } });
      expect(team.members).toEqual([expect.objectContaining({ email: 'a@example.com', role: 'MEMBER', joinedAt })]);
      expect(Math.abs(team.createdAt.getTime() - before)).toBeLessThan(60_000);
    } finally {
      await prisma.$disconnect();
    }
  });
}
