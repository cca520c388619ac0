import type { Request, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { CallbackConfigError } from '../callbacks/event-notifier';
import { locals } from '../core/http-locals';
import { OrgStoreError } from '../org/org-store';
import { SimulatorError } from '../simulator';
import { queryOf } from '../core/endpoint';

export interface ControlInput {
  body: unknown;
  params: Record<string, string>;
  query: Record<string, string>;
}

const STATUS_BY_ERROR: Array<[new (...args: never[]) => Error, (err: Error) => number]> = [
  [ZodError, () => 400],
  [OrgStoreError, (err) => ((err as OrgStoreError).kind === 'not_found' ? 404 : 409)],
  [SimulatorError, () => 404],
  [CallbackConfigError, () => 409],
];

function bodyOf(res: Response): unknown {
  const body = locals(res).body;
  if (body.kind === 'invalid' || body.kind === 'multipart') throw new SyntaxError('request body must be JSON');
  return body.kind === 'none' ? {} : body.value;
}

/** Control-plane JSON endpoint: 200 with the handler's value, or `{error}` with 400/404/409. */
export function control(handler: (input: ControlInput) => unknown): RequestHandler {
  return async (req: Request, res: Response) => {
    try {
      const value = await handler({ body: bodyOf(res), params: req.params as Record<string, string>, query: queryOf(req) });
      res.status(200).json(value ?? { ok: true });
    } catch (err) {
      const match = STATUS_BY_ERROR.find(([type]) => err instanceof type);
      if (err instanceof SyntaxError) return void res.status(400).json({ error: err.message });
      if (!match) {
        console.error('dingtalk-sim: control-plane failure', err);
        return void res.status(500).json({ error: 'internal simulator error' });
      }
      const issues = err instanceof ZodError ? err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) : undefined;
      res.status(match[1](err as Error)).json({ error: (err as Error).message, ...(issues ? { issues } : {}) });
    }
  };
}

export const flag = (value: string | undefined) => value === '1' || value === 'true';
