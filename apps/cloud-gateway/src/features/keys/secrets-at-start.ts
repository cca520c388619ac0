// The secret box a starting cloud (or the admin CLI) works with, after two checks on what is at
// rest: every value must open with the configured keys (a wrong or half-rotated ENCRYPTION_KEY stops
// the start instead of failing every push and login later), and what the first releases sealed
// without associated data, or did not seal, is sealed properly before anything reads it.
import type { Logger } from '@dtg/service-kit';
import type { CloudConfig } from '../../config';
import type { SqlDatabase } from '../../db/prisma';
import { createSecretBox, type SecretBox } from '../../shared/secret-box';
import { foreignKeyIds, reseal } from './reseal';

export async function secretsAtStart(
  sqldb: SqlDatabase,
  config: Pick<CloudConfig, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEY_PREVIOUS'>,
  logger: Logger,
): Promise<SecretBox> {
  const secrets = createSecretBox(config.ENCRYPTION_KEY, config.ENCRYPTION_KEY_PREVIOUS);
  const foreign = await foreignKeyIds(sqldb, secrets);
  if (foreign.length > 0) {
    throw new Error(
      `secrets at rest are sealed under key ${foreign.join(', ')}, which is neither ENCRYPTION_KEY (${secrets.keyId}) nor ENCRYPTION_KEY_PREVIOUS: ` +
        'start with the key they were sealed with (as ENCRYPTION_KEY_PREVIOUS during a rotation)',
    );
  }
  const upgraded = await reseal(sqldb, secrets, 'legacy');
  if (upgraded.total > 0) logger.info('secrets at rest re-sealed in the current format', { resealed: upgraded.resealed });
  return secrets;
}
