import { resolveTarget, pushToApp, pushToSuite, streamEvent, type PushOutcome, type StreamDispatch } from './callbacks/event-notifier';
import type { DropRule, StreamMessage } from './stream/stream-model';
import { installSuite, rotateDueTickets, rotateSuiteTicket, uninstallSuite } from './callbacks/suite-events';
import type { TokenKind } from './auth/principal';
import { SimClock } from './core/clock';
import type { RequestLogEntry, RequestLogFilter } from './core/request-log';
import { FixtureSchema, type Fixture, type FixtureInput } from './fixture/fixture.schema';
import { FaultRuleSchema, type FaultRule, type FaultRuleInput } from './limits/faults';
import { taskStatus } from './messages/task-query.service';
import { describeTask, type InboxEntry } from './messages/task.model';
import * as orgAdmin from './org/org-admin.service';
import type { DeptCreate, DeptPatch, UserCreate, UserPatch } from './org/org-admin.schema';
import { buildConfig, type SimConfig, type SimConfigInput } from './sim-config';
import { createWorld, freshWiring } from './world-factory';
import type { EventModes, World } from './world';

export interface RateLimitSettings {
  defaultQps?: number;
  perApi?: Record<string, number>;
  globalPerApi?: Record<string, number>;
}

export class SimulatorError extends Error {}

export interface IssuedToken {
  kind: TokenKind | 'refresh';
  token: string;
}

/**
 * The simulator in-process: every control-plane operation as a method, so tests can drive it
 * directly or over `/_sim/...`. It owns the world; the HTTP app only reads and mutates it.
 */
export class Simulator {
  readonly clock: SimClock;
  readonly world: World;
  private baseline: Fixture;
  private readonly ticker: NodeJS.Timeout;

  constructor(
    fixture: Fixture,
    private readonly initialConfig: SimConfigInput = {},
    startTimeMs?: number,
  ) {
    this.clock = new SimClock(startTimeMs);
    this.baseline = fixture;
    this.world = createWorld(
      structuredClone(fixture),
      buildConfig(initialConfig),
      this.clock,
      freshWiring(this.clock, () => this.world.config),
    );
    // Sim-time work (task completion, callback retries, ticket cadence) runs as time passes and at
    // once whenever a test moves the clock.
    this.clock.onChange(() => this.tick());
    this.ticker = setInterval(() => this.tick(), 200).unref();
  }

  get config(): SimConfig {
    return this.world.config;
  }

  /** Applies a validated partial config (mutated in place: stores hold a reference to it). */
  updateConfig(patch: Partial<SimConfig>): SimConfig {
    Object.assign(this.world.config, patch);
    return this.world.config;
  }

  /**
   * Back to the loaded fixture and start-up config: tokens, tasks, log, faults, bans and Stream
   * messages cleared. Wiring stays: callback URLs, push modes and open Stream connections.
   */
  reset(): void {
    const { callbackUrls, eventModes, stream } = this.world;
    stream.clearMessages();
    Object.assign(this.world, createWorld(structuredClone(this.baseline), buildConfig(this.initialConfig), this.clock, { callbackUrls, eventModes, stream }));
  }

  loadFixture(input: FixtureInput): Fixture {
    this.baseline = FixtureSchema.parse(input);
    this.reset();
    return this.baseline;
  }

  fixture(): Fixture {
    return this.baseline;
  }

  setRateLimits(limits: RateLimitSettings): SimConfig {
    return this.updateConfig({
      ...(limits.defaultQps !== undefined ? { defaultQps: limits.defaultQps } : {}),
      ...(limits.perApi !== undefined ? { perApiQps: limits.perApi } : {}),
      ...(limits.globalPerApi !== undefined ? { globalPerApiQps: limits.globalPerApi } : {}),
    });
  }

  /** Replaces the fault rules. */
  setFaults(rules: FaultRuleInput[]): FaultRule[] {
    this.world.faults.set(rules.map((r) => FaultRuleSchema.parse(r)));
    return this.world.faults.list();
  }

  faults(): FaultRule[] {
    return this.world.faults.list();
  }

  clearFaults(): void {
    this.world.faults.clear();
    this.world.ipBans.clear();
  }

  requestLog(filter?: RequestLogFilter): RequestLogEntry[] {
    return this.world.requests.list(filter);
  }

  clearRequestLog(): void {
    this.world.requests.clear();
  }

  revokeToken(token: string): boolean {
    return this.world.tokens.revoke(token);
  }

  /** Every access and refresh token handed out since the last reset, so tests can look for them where they must not be (logs). */
  issuedTokens(): IssuedToken[] {
    return [
      ...this.world.tokens.all().map((record) => ({ kind: record.principal.kind, token: record.token })),
      ...this.world.oauth.issuedRefreshTokens().map((token) => ({ kind: 'refresh' as const, token })),
    ];
  }

  task(taskId: number) {
    this.tick();
    const task = this.world.tasks.get(taskId);
    return task && describeTask(task, taskStatus(task, this.clock.now()).status);
  }

  tasks() {
    this.tick();
    return this.world.tasks.all().map((t) => describeTask(t, taskStatus(t, this.clock.now()).status));
  }

  /** Marks delivered recipients as having read; returns those actually marked. */
  markRead(taskId: number, userids: string[]): string[] {
    const task = this.world.tasks.get(taskId);
    if (!task) throw new SimulatorError(`task ${taskId} not found`);
    return this.world.tasks.markRead(task, userids);
  }

  /** Notifications delivered to a userid (optionally in one org), oldest first. */
  inbox(userid: string, opts: { corpId?: string; includePending?: boolean } = {}): InboxEntry[] {
    this.tick();
    const delivered = this.world.tasks.inboxAcrossOrgs(userid, opts.corpId);
    if (!opts.includePending) return delivered;
    const pending = this.world.tasks
      .all()
      .filter((t) => !t.completed && t.delivered.includes(userid) && (opts.corpId === undefined || t.sender.corpId === opts.corpId))
      .map((t) => ({
        taskId: t.taskId,
        corpId: t.sender.corpId,
        userid,
        agentId: t.sender.agentId,
        sender: t.sender.key,
        msgtype: t.msgtype,
        msg: t.msg,
        deliveredAtMs: t.doneAtMs,
        read: false,
        recalled: t.recalledAtMs !== undefined,
      }));
    return [...delivered, ...pending];
  }

  setCallbackUrls(urls: { appUrl?: string | null; suiteUrl?: string | null }): World['callbackUrls'] {
    const next = { ...this.world.callbackUrls };
    for (const key of ['appUrl', 'suiteUrl'] as const) {
      const value = urls[key];
      if (value === null) delete next[key];
      else if (value !== undefined) next[key] = value;
    }
    this.world.callbackUrls = next;
    return next;
  }

  /** Push mode per subscriber kind (the DingTalk console's HTTP / SyncHTTP / Stream choice). */
  setEventModes(modes: Partial<EventModes>): EventModes {
    this.world.eventModes = { ...this.world.eventModes, ...modes };
    return this.world.eventModes;
  }

  /** The Stream clientId of a target: the org's internal app (the demo app by default) or the suite. */
  streamClientId(target: 'app' | 'suite', corpId?: string): string {
    if (target === 'suite') return this.defaultSuiteKey();
    const app = this.world.registry.allApps().find((a) => corpId === undefined || a.corpId === corpId);
    if (!app) throw new SimulatorError(`no internal app in org ${corpId}`);
    return app.appKey;
  }

  /** Publishes an EVENT to the target's Stream connections (delivered once, again until acknowledged). */
  pushStreamEvent(target: 'app' | 'suite', eventType: string, data: object, corpId?: string): StreamDispatch {
    const clientId = this.streamClientId(target, corpId);
    const eventCorpId = corpId ?? (target === 'app' ? this.world.registry.app(clientId)?.corpId : undefined);
    return streamEvent(this.world, target, clientId, eventType, data, eventCorpId);
  }

  pushStreamCallback(target: 'app' | 'suite', topic: string, data: object, corpId?: string): StreamMessage {
    return this.world.stream.publishCallback(this.streamClientId(target, corpId), topic, data);
  }

  disconnectStream(filter: { clientId?: string; connectionId?: string }): string[] {
    return this.world.stream.disconnect(filter);
  }

  dropStream(rule: DropRule): void {
    this.world.stream.armDrop(rule);
  }

  pingStream(filter: { clientId?: string; connectionId?: string } = {}): number {
    return this.world.stream.ping(filter);
  }

  streamState(clientId?: string) {
    return { connections: this.world.stream.connectionsOf(clientId), messages: this.world.stream.messagesOf(clientId) };
  }

  callbackDeliveries() {
    return this.world.callbacks.list();
  }

  pushCallback(target: 'app' | 'suite', event: Record<string, unknown>, corpId?: string): Promise<PushOutcome> {
    return target === 'app' ? pushToApp(this.world, event, corpId) : pushToSuite(this.world, event, corpId);
  }

  currentSuiteTicket(suiteKey = this.defaultSuiteKey()): string | undefined {
    return this.world.registry.currentTicket(suiteKey);
  }

  rotateSuiteTicket(ticket?: string, suiteKey = this.defaultSuiteKey()) {
    return rotateSuiteTicket(this.world, suiteKey, ticket);
  }

  installSuite(corpId: string, opts: { agentId?: number; suiteKey?: string } = {}) {
    return installSuite(this.world, opts.suiteKey ?? this.defaultSuiteKey(), corpId, opts.agentId);
  }

  uninstallSuite(corpId: string, suiteKey = this.defaultSuiteKey()) {
    return uninstallSuite(this.world, suiteKey, corpId);
  }

  /** A 免登 code as the DingTalk client would hand the app's front end (5 min, single use). */
  issueInAppCode(corpId: string, userid: string): string {
    if (!this.world.orgs.member(corpId, userid)) throw new SimulatorError(`userid ${userid} not in org ${corpId}`);
    return this.world.oauth.issueInAppCode(corpId, userid, this.clock.now());
  }

  addUser(corpId: string, input: UserCreate, opts: { notify?: boolean } = {}) {
    return orgAdmin.addUser(this.world, corpId, input, opts.notify === true);
  }

  /** Many users, all or none, without contact events (see org-admin.service). */
  addUsers(corpId: string, inputs: UserCreate[]) {
    return orgAdmin.addUsers(this.world, corpId, inputs);
  }

  updateUser(corpId: string, userid: string, patch: UserPatch, opts: { notify?: boolean } = {}) {
    return orgAdmin.updateUser(this.world, corpId, userid, patch, opts.notify === true);
  }

  removeUser(corpId: string, userid: string, opts: { notify?: boolean } = {}) {
    return orgAdmin.removeUser(this.world, corpId, userid, opts.notify === true);
  }

  addDepartment(corpId: string, input: DeptCreate, opts: { notify?: boolean } = {}) {
    return orgAdmin.addDepartment(this.world, corpId, input, opts.notify === true);
  }

  updateDepartment(corpId: string, deptId: number, patch: DeptPatch, opts: { notify?: boolean } = {}) {
    return orgAdmin.updateDepartment(this.world, corpId, deptId, patch, opts.notify === true);
  }

  removeDepartment(corpId: string, deptId: number, opts: { notify?: boolean } = {}) {
    return orgAdmin.removeDepartment(this.world, corpId, deptId, opts.notify === true);
  }

  /** Runs everything that is due at the current sim time. */
  tick(): void {
    this.world.tasks.settle(this.clock.now());
    this.world.callbacks.runDue((d) => resolveTarget(this.world, d));
    rotateDueTickets(this.world);
  }

  stop(): void {
    clearInterval(this.ticker);
    this.world.stream.closeAll();
  }

  private defaultSuiteKey(): string {
    const suite = this.world.registry.allSuites()[0];
    if (!suite) throw new SimulatorError('the fixture has no suite');
    return suite.suiteKey;
  }
}
