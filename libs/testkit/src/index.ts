// @dtg/testkit: what tests, benchmarks and tools share to drive the product from outside. Real
// processes (the three services, an own Postgres), the simulator's control plane, the stack wiring
// `npm start` uses, and the one way to wait. Test code and tools only: lint refuses it in src/.
export { waitFor } from './wait-for';
export { startTestEndpoint, type TestEndpoint } from './test-endpoint';
export { freePort } from './ports';
export { entryOf, ROOT, ServiceProcess, type App, type Runtime } from './service-process';
export { PrivatePostgres } from './private-postgres';
export { TcpGate } from './tcp-gate';
export { clearFaults, setFaults, simControl, simInbox, simRequests, simTasks, type SimTask } from './sim-control';
export { call, count, type CallOptions, type Reply } from './calls';
export { postCallback, signPush, type CallbackKeys, type PostCallbackOptions, type SignedPush } from './signed-callbacks';
export {
  cloudAdmin,
  cloudEnv,
  COMPRESSED_DELIVERY,
  createDemoTenant,
  createTenant,
  freshCloudSecrets,
  type AdminAnswer,
  type AdminCall,
  type CloudDatabase,
  type CloudSecrets,
  type CreatedTenant,
} from './cloud-env';
export { startReplicaStack, type ReplicaStack, type ReplicaStackOptions } from './replica-stack';
export { databaseUrl, maintenanceUrl, startStack, type Stack, type StackOptions } from './stack';
export { startDrillStack, type DrillSecrets, type DrillStack, type DrillStackOptions } from './drill-stack';
export {
  applied,
  appliedOnce,
  type AppliedSource,
  type EmitTarget,
  disruptionDrill,
  emit,
  expectExactlyOnce,
  outageDrill,
  type Disruption,
  type DrillResult,
  type OutageResult,
} from './delivery-drills';
