export { startSimulator, type RunningSim, type SimOptions } from './start-simulator';
export { Simulator, SimulatorError, type IssuedToken, type RateLimitSettings } from './simulator';
export { DEMO } from './fixture/demo-constants';
export { demoFixture } from './fixture/demo-fixture';
export { GIVEN_NAMES, SURNAMES } from './fixture/demo-names';
export {
  FixtureSchema,
  type Fixture,
  type FixtureInput,
  type Person,
  type Member,
  type Department,
  type Org,
  type InternalApp,
  type Suite,
} from './fixture/fixture.schema';
export { SimConfigSchema, type SimConfig, type SimConfigInput } from './sim-config';
export type { FaultRule, FaultRuleInput, FaultKind } from './limits/faults';
export type { RequestLogEntry, RequestLogFilter } from './core/request-log';
export type { InboxEntry } from './messages/task.model';
export type { PushOutcome, StreamDispatch, Dispatch } from './callbacks/event-notifier';
export type { StreamMessage, StreamDelivery, DropRule } from './stream/stream-model';
export type { EventModes } from './world';
export { CallbackCrypto, CallbackCryptoError } from './callbacks/callback-crypto';
export { CALLBACK_VECTOR_A, CALLBACK_VECTOR_B, REENCRYPT_RANDOM } from './callbacks/callback-vectors';
export { signTimestamp } from './auth/request-signature';
export { SimEnvSchema } from './env';
