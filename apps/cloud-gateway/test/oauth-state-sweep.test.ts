// Sign-in starts that are never finished leave OAuthState rows; the sweeper job deletes them once
// past their retention, with no new sign-in needed to trigger it.
import { STATE_RETENTION_MS } from '../src/features/login/oauth-states.repository';
import { OAUTH_STATE_SWEEP_JOB_ID } from '../src/features/login/oauth-state-sweeper';
import { RETURN_TO, startIdentityStack, type IdentityStack } from './support/identity-stack';
import { beginLogin } from './support/login-browser';
import { waitFor } from '@dtg/testkit';

describe('OAuth state sweeper', () => {
  let stack: IdentityStack;
  afterEach(() => stack.close());

  it('when abandoned sign-in starts are past their retention, then the sweep job deletes them and keeps the live ones', async () => {
    stack = await startIdentityStack();
    const tenant = await stack.createTenant();
    const { db, jobs } = stack.cloud.services;
    // Its start-up run is over (it queued its next run) before anything is aged.
    await waitFor(async () => (await db.job.findUniqueOrThrow({ where: { id: OAUTH_STATE_SWEEP_JOB_ID } })).runAt.getTime() > Date.now(), 'the start-up sweep');
    for (let i = 0; i < 5; i++) await beginLogin(stack, tenant.id, RETURN_TO);
    expect(await db.oAuthState.count()).toBe(5);
    // Three of them expired longer ago than the retention; nobody starts a sign-in any more.
    const aged = (await db.oAuthState.findMany({ take: 3 })).map((row) => row.id);
    await db.oAuthState.updateMany({ where: { id: { in: aged } }, data: { expiresAt: new Date(Date.now() - STATE_RETENTION_MS - 60_000) } });

    // The sweep is due now (it runs every ten minutes) and the job runner is told to look.
    await db.job.update({ where: { id: OAUTH_STATE_SWEEP_JOB_ID }, data: { runAt: new Date() } });
    // drain(): every due job has run and settled, so the sweep's own row is final too.
    await jobs.drain();
    expect((await db.oAuthState.findMany()).map((row) => row.id).filter((id) => aged.includes(id))).toEqual([]);
    expect(await db.oAuthState.count()).toBe(2);
    expect(await db.job.findUniqueOrThrow({ where: { id: OAUTH_STATE_SWEEP_JOB_ID } })).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
