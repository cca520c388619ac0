// The simulator's `/_sim` control plane over HTTP, as an external tool would drive it, and the
// shapes of the answers these suites read.
import type { FaultRuleInput, InboxEntry, RequestLogEntry } from '@dtg/dingtalk-sim';

export interface SimTask {
  taskId: number;
  status: number;
  msg: Record<string, unknown>;
  recipients: string[];
  results: { delivered: string[]; read: string[]; unread: string[]; failed: string[] };
  completed: boolean;
}

export async function simControl<T = unknown>(simUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${simUrl}/_sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sim ${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export const setFaults = (simUrl: string, rules: FaultRuleInput[]) => simControl(simUrl, 'POST', '/faults', { rules });
export const clearFaults = (simUrl: string) => simControl(simUrl, 'DELETE', '/faults');
export const simTasks = (simUrl: string) => simControl<SimTask[]>(simUrl, 'GET', '/tasks');
export const simInbox = (simUrl: string, userid: string) => simControl<InboxEntry[]>(simUrl, 'GET', `/inbox/${encodeURIComponent(userid)}`);
export const simRequests = (simUrl: string, pathPrefix?: string) =>
  simControl<RequestLogEntry[]>(simUrl, 'GET', `/requests${pathPrefix ? `?pathPrefix=${encodeURIComponent(pathPrefix)}` : ''}`);
