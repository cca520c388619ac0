// The cloud set-ups bench:scale compares: one cloud on SQLite, and N replicas on one Postgres
// database — each with a local store and the simulator, run as deployed (bundles, the images' node
// flags), every cloud and store watched for memory.
import { type ReplicaStack, startReplicaStack } from '@dtg/testkit';
import { SERVICE_NODE_ARGS } from '../build/bundle';
import { benchMemory } from './memory';

export interface ScaleSetup {
  label: string;
  database: 'sqlite' | 'postgres';
  replicas: number;
}

export const SQLITE_1: ScaleSetup = { label: 'SQLite, 1 replica', database: 'sqlite', replicas: 1 };
export const postgres = (replicas: number): ScaleSetup => ({
  label: `Postgres, ${replicas} replica${replicas > 1 ? 's' : ''}`,
  database: 'postgres',
  replicas,
});

export async function startScaleStack(setup: ScaleSetup, cloudEnv: Record<string, string> = {}): Promise<ReplicaStack> {
  const stack = await startReplicaStack({
    replicas: setup.replicas,
    database: setup.database,
    runtime: 'bundle',
    nodeArgs: SERVICE_NODE_ARGS,
    cloudEnv: { LOG_LEVEL: 'error', ...cloudEnv },
    // Push only: the store's catch-up pull would compete with the pushes being measured.
    localEnv: { LOG_LEVEL: 'error', PULL_INTERVAL: '60s' },
  });
  for (const cloud of stack.clouds) benchMemory.watch('cloud', cloud);
  benchMemory.watch('local store', stack.local);
  return stack;
}

export async function closeScaleStack(stack: ReplicaStack): Promise<void> {
  benchMemory.sample();
  await stack.close();
}

/** Runs `fn` on a fresh stack of `setup`, closing it whatever happens. */
export async function onStack<T>(setup: ScaleSetup, fn: (stack: ReplicaStack) => Promise<T>, cloudEnv?: Record<string, string>): Promise<T> {
  const stack = await startScaleStack(setup, cloudEnv);
  try {
    return await fn(stack);
  } finally {
    await closeScaleStack(stack);
  }
}
