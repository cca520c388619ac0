import { randomAlnum } from '../core/ids';
import type { Fixture, InternalApp, Suite } from '../fixture/fixture.schema';

export interface SuiteInstall {
  corpId: string;
  agentId: number;
  permanentCode: string;
  activated: boolean;
}

interface SuiteState {
  suite: Suite;
  /** Only the newest pushed ticket is valid (dingtalk-api.md §1.2). */
  ticket: string;
  ticketIssuedAtMs: number;
  installs: Map<string, SuiteInstall>;
}

/** Internal apps and ISV suites: secrets, the current suite_ticket, and which orgs installed what. */
export class CredentialRegistry {
  private readonly apps = new Map<string, InternalApp>();
  private readonly suites = new Map<string, SuiteState>();
  private readonly tmpAuthCodes = new Map<string, { suiteKey: string; corpId: string }>();
  private nextAgentId: number;

  constructor(fixture: Fixture, nowMs: number) {
    for (const app of fixture.apps) this.apps.set(app.appKey, app);
    for (const suite of fixture.suites) {
      const installs = new Map(suite.installs.map((i) => [i.corpId, { ...i, permanentCode: randomAlnum(32), activated: true }]));
      this.suites.set(suite.suiteKey, { suite, ticket: suite.initialTicket, ticketIssuedAtMs: nowMs, installs });
    }
    const agentIds = [...fixture.apps.map((a) => a.agentId), ...fixture.suites.flatMap((s) => s.installs.map((i) => i.agentId))];
    this.nextAgentId = Math.max(300_000, ...agentIds) + 1;
  }

  app(appKey: string): InternalApp | undefined {
    return this.apps.get(appKey);
  }

  allApps(): InternalApp[] {
    return [...this.apps.values()];
  }

  suite(suiteKey: string): Suite | undefined {
    return this.suites.get(suiteKey)?.suite;
  }

  allSuites(): Suite[] {
    return [...this.suites.values()].map((s) => s.suite);
  }

  currentTicket(suiteKey: string): string | undefined {
    return this.suites.get(suiteKey)?.ticket;
  }

  ticketIssuedAtMs(suiteKey: string): number | undefined {
    return this.suites.get(suiteKey)?.ticketIssuedAtMs;
  }

  rotateTicket(suiteKey: string, nowMs: number, ticket: string = `ticket-${randomAlnum(24)}`): string {
    const state = this.requireSuite(suiteKey);
    state.ticket = ticket;
    state.ticketIssuedAtMs = nowMs;
    return ticket;
  }

  install(suiteKey: string, corpId: string): SuiteInstall | undefined {
    return this.suites.get(suiteKey)?.installs.get(corpId);
  }

  /** Installs the suite in an org (idempotent) and issues a single-use tmp_auth_code. */
  addInstall(suiteKey: string, corpId: string, agentId?: number): { install: SuiteInstall; tmpAuthCode: string } {
    const state = this.requireSuite(suiteKey);
    const install = state.installs.get(corpId) ?? {
      corpId,
      agentId: agentId ?? this.nextAgentId++,
      permanentCode: randomAlnum(32),
      activated: false,
    };
    state.installs.set(corpId, install);
    const tmpAuthCode = randomAlnum(32);
    this.tmpAuthCodes.set(tmpAuthCode, { suiteKey, corpId });
    return { install, tmpAuthCode };
  }

  removeInstall(suiteKey: string, corpId: string): boolean {
    return this.requireSuite(suiteKey).installs.delete(corpId);
  }

  /** Redeems a tmp_auth_code exactly once. */
  consumeTmpAuthCode(suiteKey: string, code: string): SuiteInstall | undefined {
    const entry = this.tmpAuthCodes.get(code);
    if (!entry || entry.suiteKey !== suiteKey) return undefined;
    this.tmpAuthCodes.delete(code);
    return this.install(suiteKey, entry.corpId);
  }

  private requireSuite(suiteKey: string): SuiteState {
    const state = this.suites.get(suiteKey);
    if (!state) throw new Error(`unknown suite ${suiteKey}`);
    return state;
  }
}
