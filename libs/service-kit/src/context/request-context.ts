import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  tenantId?: string;
}

/** Values a request may add once it knows them (the request id is fixed at entry). */
export type ContextValues = Omit<RequestContext, 'requestId'>;

const storage = new AsyncLocalStorage<RequestContext>();

export function getContext(): Readonly<RequestContext> | undefined {
  return storage.getStore();
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** Mutates the current store so every later log line of this request (or job) carries the value. */
export function setContextValue<K extends keyof ContextValues>(key: K, value: ContextValues[K]): void {
  const store = storage.getStore();
  if (!store) throw new Error(`setContextValue('${key}') called outside a request context`);
  store[key] = value;
}

/** For background jobs: runs `fn` with its own context so its logs carry a request id too. */
export function runWithContext<T>(context: Partial<RequestContext>, fn: () => T): T {
  return storage.run({ ...context, requestId: context.requestId ?? randomUUID() }, fn);
}
