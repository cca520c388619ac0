// passport-oauth2's `store` option backed by our SQLite states. One instance per login request:
// when redirecting it binds the new state to that request's tenant, returnTo and browser nonce; on
// the callback it consumes the state, checks the browser holds the nonce, and hands what the state
// was bound to back to the login flow.
import type { Request } from 'express';
import type { Metadata, StateStoreStoreCallback, StateStoreVerifyCallback } from 'passport-oauth2';
import { holdsNonce } from './browser-nonce';
import type { BoundState, OAuthStates, StateRejection } from './oauth-states.repository';

/** Why a callback's state was refused; passed to passport's `fail`. */
export interface StateRefusal {
  /** other_browser: the state is genuine, but this browser did not start the login. */
  reason: StateRejection | 'other_browser';
}

export class PassportStateStore {
  constructor(
    private readonly states: OAuthStates,
    private readonly binding: { bind?: BoundState; onConsumed?: (state: BoundState) => void },
  ) {}

  // passport-oauth2 picks the call shape by arity: 3 parameters = store(req, meta, callback).
  store(_req: Request, metaOrCallback: Metadata | StateStoreStoreCallback, callback?: StateStoreStoreCallback): void {
    const done = callback ?? (metaOrCallback as StateStoreStoreCallback);
    const bind = this.binding.bind;
    if (!bind) return done(new Error('no tenant bound to this login request'), undefined);
    this.states.create(bind).then(
      (state) => done(null, state),
      (err: Error) => done(err, undefined),
    );
  }

  // 4 parameters = verify(req, state, meta, callback).
  verify(req: Request, state: string | undefined, metaOrCallback: Metadata | StateStoreVerifyCallback, callback?: StateStoreVerifyCallback): void {
    const done = callback ?? (metaOrCallback as StateStoreVerifyCallback);
    // passport-oauth2 passes `undefined` for a callback without a state (or with `state=`): not one we started.
    if (!state) return done(null, false, { reason: 'unknown' } satisfies StateRefusal);
    this.states.consume(state).then(
      (result) => {
        if (!result.ok) return done(null, false, { reason: result.reason } satisfies StateRefusal);
        // Spent either way: a state opened in the wrong browser is not left for a second try.
        if (!holdsNonce(req, result.state.nonceHash)) return done(null, false, { reason: 'other_browser' } satisfies StateRefusal);
        this.binding.onConsumed?.(result.state);
        done(null, true, result.state);
      },
      (err: Error) => done(err, false, undefined),
    );
  }
}
