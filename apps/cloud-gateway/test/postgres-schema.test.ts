// One schema, two providers (issue #22): prisma/postgres/schema.prisma is generated from
// prisma/schema.prisma, and both generated clients give the app the same model types.
import { readFileSync } from 'node:fs';
import type { Prisma as SqlitePrisma } from '../src/generated/prisma/client';
import type { Prisma as PostgresPrisma } from '../src/generated/prisma-postgres/client';
import { POSTGRES_SCHEMA, postgresSchema, SQLITE_SCHEMA } from '../prisma/postgres-schema';

/** Every model's scalar fields (what a query returns), by model name. */
type ModelScalars<M> = { [K in keyof M]: M[K] extends { payload: { scalars: infer S } } ? S : never };
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
// Checked by the compiler (npm run typecheck): a DateTime, BigInt or Int that came out differently
// on Postgres, or a model on one side only, turns this into `false` and the line fails to compile.
// The one exception is WIDE_INTS (Tenant.agentId): BigInt on Postgres, read through Number().
type WithoutWide<M> = { [K in keyof M]: K extends 'Tenant' ? Omit<M[K], 'agentId'> : M[K] };
type SqliteModels = ModelScalars<SqlitePrisma.TypeMap['model']>;
type PostgresModels = ModelScalars<PostgresPrisma.TypeMap['model']>;
const sameModelTypes: Same<WithoutWide<SqliteModels>, WithoutWide<PostgresModels>> = true;
const wideAgentId: Same<PostgresModels['Tenant']['agentId'], bigint | null> = true;

describe('the Postgres schema generated from the SQLite one', () => {
  it('when the generator runs on schema.prisma, then it writes exactly the checked-in prisma/postgres/schema.prisma (run `npm run prisma:postgres-schema -w @dtg/cloud-gateway` after a schema change)', () => {
    expect(readFileSync(POSTGRES_SCHEMA, 'utf8')).toBe(postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8')));
  });

  it('when it is generated, then only the provider, the client output, timestamps with zone and rowid keys change', () => {
    const generated = postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8'));
    expect(generated).toContain('provider = "postgresql"');
    expect(generated).toContain('output              = "../../src/generated/prisma-postgres"');
    expect(generated).toMatch(/occurredAt DateTime @db\.Timestamptz\(3\)/);
    expect(generated).toMatch(/model MessageDispatchRequest \{[^}]*id\s+Int\s+@id @default\(autoincrement\(\)\)/);
    expect(generated).toMatch(/model AuthVersion \{\n\s+id\s+Int @id\n/);
    expect(generated).not.toMatch(/DateTime\??(?![^\n]*@db\.Timestamptz)[^\n]*\n/);
  });

  it('when a new Int @id without a default appears, then the generator refuses until it is classified', () => {
    const source = readFileSync(SQLITE_SCHEMA, 'utf8') + '\nmodel Counter {\n  id    Int @id\n  value Int\n}\n';
    expect(() => postgresSchema(source)).toThrow('Counter.id is an Int @id without a default');
  });

  it('when the two generated clients are compared, then every model has the same field types but the wide ints (BigInt on Postgres)', () => {
    expect([sameModelTypes, wideAgentId]).toEqual([true, true]);
    expect(postgresSchema(readFileSync(SQLITE_SCHEMA, 'utf8'))).toMatch(/\n\s+agentId\s+BigInt\?\n/);
  });
});
