// "The logs contain no secret": every credential a test knows (configured, issued, or seen on the
// wire to DingTalk) is searched for in the services' output, and so is anything shaped like one of
// our credentials. A failure names the secret and shows where, with the value itself masked.
import { DEMO, type IssuedToken, type RequestLogEntry } from '@dtg/dingtalk-sim';
import { type DrillStack, simControl, simRequests } from '@dtg/testkit';

export interface KnownSecret {
  name: string;
  value: string;
}

/** Shapes of our own credentials: API keys, user tokens and webhook secrets never belong in a log. */
const CREDENTIAL_SHAPES: Array<[string, RegExp]> = [
  ['an API key (dtg_…)', /\bdtg_[A-Za-z0-9_-]{20,}/],
  ['a user token (dtgu_…)', /\bdtgu_[A-Za-z0-9_-]{20,}/],
  ['a webhook secret (whsec_…)', /\bwhsec_[A-Za-z0-9+/=]{20,}/],
];

export function knownSecrets(stack: DrillStack, extra: KnownSecret[] = []): KnownSecret[] {
  const { secrets, tenant } = stack;
  return [
    { name: 'ADMIN_TOKEN', value: secrets.adminToken },
    { name: 'ENCRYPTION_KEY', value: secrets.encryptionKey },
    { name: 'USER_TOKEN_SECRET', value: secrets.userTokenSecret },
    { name: 'LOCAL_ADMIN_TOKEN', value: secrets.localAdminToken },
    { name: 'tenant API key', value: tenant.apiKey },
    { name: 'webhook secret', value: tenant.webhookSecret },
    { name: 'webhook secret key bytes', value: tenant.webhookSecret.slice('whsec_'.length) },
    { name: 'DingTalk app secret', value: DEMO.app.appSecret },
    { name: 'DingTalk suite secret', value: DEMO.suite.suiteSecret },
    { name: 'app callback EncodingAESKey', value: DEMO.app.aesKey },
    { name: 'suite callback EncodingAESKey', value: DEMO.suite.aesKey },
    ...extra,
  ];
}

const CREDENTIAL_KEY = /access_?token|refresh_?token|^code$|auth_?code|ticket|^state$/i;

/** Tokens, codes and tickets that crossed the wire to the simulator (its log redacts only `*secret*`). */
export function secretsSeenBySim(entries: RequestLogEntry[]): KnownSecret[] {
  const found = new Map<string, KnownSecret>();
  const visit = (value: unknown, key: string, where: string) => {
    if (typeof value === 'string') {
      if (CREDENTIAL_KEY.test(key) && value.length >= 8) found.set(value, { name: `${key} sent to ${where}`, value });
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) visit(v, k, where);
    }
  };
  for (const entry of entries) {
    visit(entry.query, '', `${entry.method} ${entry.path}`);
    visit(entry.body, '', `${entry.method} ${entry.path}`);
  }
  return [...found.values()];
}

export interface SecretFinding {
  name: string;
  context: string;
}

export function findSecrets(text: string, secrets: KnownSecret[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const mask = (context: string) => secrets.reduce((out, s) => out.split(s.value).join(`<${s.name}>`), context);
  for (const secret of secrets) {
    const at = text.indexOf(secret.value);
    if (secret.value.length >= 8 && at !== -1)
      findings.push({ name: secret.name, context: mask(text.slice(Math.max(0, at - 120), at + secret.value.length + 60)) });
  }
  for (const [name, shape] of CREDENTIAL_SHAPES) {
    const match = shape.exec(text);
    if (match) findings.push({ name, context: mask(text.slice(Math.max(0, match.index - 120), match.index + 30)).replace(match[0], `<${name}>`) });
  }
  return findings;
}

export function expectNoSecretsInLogs(text: string, secrets: KnownSecret[]): void {
  const findings = findSecrets(text, secrets);
  if (findings.length > 0) {
    throw new Error(`secrets in the services' logs:\n${findings.map((f) => `- ${f.name}: …${f.context}…`).join('\n')}`);
  }
}

/** The credentials a test handled (tickets, codes, tokens…), named, for the final log scan. */
export class HandledSecrets {
  readonly list: KnownSecret[] = [];

  keep(name: string, value: string): string {
    this.list.push({ name, value });
    return value;
  }
}

/** Every access and refresh token the simulator handed out (app, corp, suite and user tokens). */
export async function tokensIssuedBySim(simUrl: string): Promise<KnownSecret[]> {
  const issued = await simControl<IssuedToken[]>(simUrl, 'GET', '/tokens');
  return issued.map(({ kind, token }) => ({ name: `DingTalk ${kind} token`, value: token }));
}

/**
 * Searches everything the stack's processes printed for every secret known to it, handled by the
 * test, seen on the wire to the simulator, or handed out by it.
 */
export async function expectCleanLogs(stack: DrillStack, handled: HandledSecrets): Promise<void> {
  const wire = await simRequests(stack.sim.url);
  const secrets = knownSecrets(stack, [...handled.list, ...secretsSeenBySim(wire), ...(await tokensIssuedBySim(stack.sim.url))]);
  const transcript = stack.transcript();
  // The scan only means something if the services really logged at debug level.
  if (!transcript.includes('"level":"debug"')) throw new Error('no debug line in the logs: run the stack with logLevel debug');
  expectNoSecretsInLogs(transcript, secrets);
}
