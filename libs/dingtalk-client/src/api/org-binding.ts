import type { z } from 'zod';
import type { ApiCaller } from '../http/api-caller';
import type { TokenSource } from '../tokens/token-broker';

/** What org-scoped API groups share: the caller, the org's cached token and its rate-limit identity. */
export interface OrgBinding {
  caller: ApiCaller;
  /** `app:<appKey>` for internal apps, `corp:<suiteKey>:<corpId>` for ISV installs. */
  rateKey: string;
  token: TokenSource;
}

/** Old-API org call: POST JSON to oapi with the org token in the query. */
export function postOapi<T>(org: OrgBinding, path: string, body: unknown, schema: z.ZodType<T>, idempotent = true): Promise<T> {
  return org.caller.call({ host: 'oapi', method: 'POST', path, idempotent, rateKey: org.rateKey, auth: org.token, body, schema });
}
