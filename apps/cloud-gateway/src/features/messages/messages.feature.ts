// The work-notification feature as the composition root sees it: its two durable jobs (and where
// dispatch jobs come from) are registered on the runner here, and the routes get the two services.
import type { CloudConfig } from '../../config';
import { dispatchQueue } from './dispatch-queue';
import { dispatchJob } from './dispatch.job';
import { messageRecallService } from './message-recall.service';
import { DISPATCH_JOB, RECEIPTS_JOB } from './message-jobs';
import { messageSettings } from './message-settings';
import type { MessagesDeps } from './messages.deps';
import { messagesService } from './messages.service';
import { receiptsJob } from './receipts.job';

/** The composition root's view: MessagesDeps without what the feature derives itself (settings from config, a default clock). */
export type MessagesFeatureDeps = Omit<MessagesDeps, 'settings' | 'now'> & { config: CloudConfig; now?: () => number };

export function createMessages(input: MessagesFeatureDeps) {
  const { config, ...rest } = input;
  const deps: MessagesDeps = { ...rest, settings: messageSettings(config), now: input.now ?? Date.now };
  const queue = dispatchQueue(deps);
  deps.jobs.addSource(queue.source);
  deps.jobs.register(DISPATCH_JOB, dispatchJob(deps));
  deps.jobs.register(RECEIPTS_JOB, receiptsJob(deps));
  return { service: messagesService(deps, queue), recalls: messageRecallService(deps), settings: deps.settings };
}

export type MessagesFeature = ReturnType<typeof createMessages>;
