// Relying parties registered at this store's provider. A confidential client's secret is 32 random
// bytes shown once and kept as SHA-256 (nothing to brute-force, so a fast hash is enough); the
// provider compares a presented secret by hash (oidc-provider.ts).
import { randomBytes } from 'node:crypto';
import type { CreateOidcClientRequest, OidcClient, OidcScope, RegisteredOidcClient } from '@dtg/contracts';
import { notFound, sha256Hex } from '@dtg/service-kit';
import type { Sql } from '../../db/sql';
import { newId } from '../../shared/ids';

export const CLIENT_SECRET_PREFIX = 'dtgc_';

interface ClientRow {
  client_id: string;
  name: string;
  secret_hash: string | null;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  scopes: OidcScope[];
  first_party: boolean;
  created_by: string;
  created_at: Date;
}

/** A client as the provider reads it (with its secret's hash). */
export interface StoredClient extends OidcClient {
  secretHash: string | null;
}

const COLUMNS = 'client_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes, first_party, created_by, created_at';

function toClient(row: ClientRow): StoredClient {
  return {
    clientId: row.client_id,
    name: row.name,
    public: row.secret_hash === null,
    redirectUris: row.redirect_uris,
    postLogoutRedirectUris: row.post_logout_redirect_uris,
    scopes: row.scopes,
    firstParty: row.first_party,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    secretHash: row.secret_hash,
  };
}

const shown = ({ secretHash: _hidden, ...client }: StoredClient): OidcClient => client;

export function createOidcClients(sql: Sql, tenantId: string) {
  return {
    async register(request: CreateOidcClientRequest, createdBy: string): Promise<RegisteredOidcClient> {
      const clientSecret = request.public ? undefined : CLIENT_SECRET_PREFIX + randomBytes(32).toString('base64url');
      const [row] = await sql.query<ClientRow>(
        `INSERT INTO oidc_clients (client_id, tenant_id, name, secret_hash, redirect_uris, post_logout_redirect_uris, scopes, first_party, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
        [
          newId('cli'),
          tenantId,
          request.name,
          clientSecret === undefined ? null : sha256Hex(clientSecret),
          request.redirectUris,
          request.postLogoutRedirectUris,
          request.scopes,
          request.firstParty,
          createdBy,
        ],
      );
      if (!row) throw new Error('the client was not stored');
      return { client: shown(toClient(row)), ...(clientSecret === undefined ? {} : { clientSecret }) };
    },

    async list(): Promise<OidcClient[]> {
      const rows = await sql.query<ClientRow>(`SELECT ${COLUMNS} FROM oidc_clients WHERE tenant_id = $1 ORDER BY created_at, client_id`, [tenantId]);
      return rows.map((row) => shown(toClient(row)));
    },

    async find(clientId: string): Promise<StoredClient | undefined> {
      const [row] = await sql.query<ClientRow>(`SELECT ${COLUMNS} FROM oidc_clients WHERE tenant_id = $1 AND client_id = $2`, [tenantId, clientId]);
      return row ? toClient(row) : undefined;
    },

    /** The client stops working at once: everything the provider issued to it goes too. */
    async remove(clientId: string): Promise<OidcClient> {
      const [row] = await sql.query<ClientRow>(`DELETE FROM oidc_clients WHERE tenant_id = $1 AND client_id = $2 RETURNING ${COLUMNS}`, [tenantId, clientId]);
      if (!row) throw notFound(`No client ${clientId}.`);
      await sql.query("DELETE FROM oidc_payloads WHERE payload->>'clientId' = $1", [clientId]);
      return shown(toClient(row));
    },
  };
}

export type OidcClients = ReturnType<typeof createOidcClients>;
