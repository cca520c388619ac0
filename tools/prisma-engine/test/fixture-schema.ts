// The fixture's schema in three versions: v1 (two related models, a unique and a plain index, an
// enum, DateTimes), v2 adds an optional column, v3 a third model. Each step only adds, so a
// client generated from v1 still works on a database migrated to v3.
export type Provider = 'sqlite' | 'postgresql';

const generator = `generator client {
  provider            = "prisma-client"
  output              = "../generated/prisma"
  moduleFormat        = "cjs"
  importFileExtension = ""
}
`;

const v1Models = `enum Role {
  OWNER
  MEMBER
}

model Team {
  id        Int      @id @default(autoincrement())
  name      String   @unique
  createdAt DateTime @default(now())
  members   Member[]
}

model Member {
  id       Int      @id @default(autoincrement())
  email    String
  role     Role     @default(MEMBER)
  joinedAt DateTime
  teamId   Int
  team     Team     @relation(fields: [teamId], references: [id], onDelete: Cascade)

  @@index([teamId])
}
`;

const v3Model = `
model AuditEntry {
  id     Int    @id @default(autoincrement())
  action String
}
`;

export function fixtureSchema(provider: Provider, version: 1 | 2 | 3): string {
  let models = v1Models;
  if (version >= 2) models = models.replace('  email    String\n', '  email    String\n  nickname String?\n');
  if (version >= 3) models += v3Model;
  return `${generator}\ndatasource db {\n  provider = "${provider}"\n}\n\n${models}`;
}
