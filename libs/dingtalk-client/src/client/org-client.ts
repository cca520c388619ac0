import { ContactsApi } from '../api/contacts.api';
import { MediaApi } from '../api/media.api';
import { InAppApi } from '../api/in-app.api';
import { MessagesApi } from '../api/messages.api';
import { RobotApi } from '../api/robot.api';
import type { OrgBinding } from '../api/org-binding';
import type { TokenSource } from '../tokens/token-broker';

/**
 * One org as seen by one app: every call gets the right token automatically (the app token for
 * an internal app, the corp token obtained through the suite for an ISV install), refreshes it
 * once on a token-invalid answer, and is throttled per (identity, API path).
 */
export class OrgClient {
  readonly contacts: ContactsApi;
  readonly messages: MessagesApi;
  readonly media: MediaApi;
  /** The app robot's 1:1 messages (new host). */
  readonly robot: RobotApi;
  readonly inApp: InAppApi;

  constructor(
    private readonly binding: OrgBinding,
    /** The org's corpId when known (always for ISV installs). */
    readonly corpId: string | undefined,
    agentId: number | undefined,
    isv = false,
    /** The org's JSAPI ticket, cached and refreshed like its token (one fetch at a time). */
    private readonly jsapi?: TokenSource,
  ) {
    this.contacts = new ContactsApi(binding);
    this.inApp = new InAppApi(binding);
    this.messages = new MessagesApi(binding, agentId, isv);
    this.media = new MediaApi(binding);
    this.robot = new RobotApi(binding);
  }

  /** The cached app/corp access token, for calls this client does not wrap. */
  accessToken(): Promise<string> {
    return this.binding.token.get();
  }

  /** The cached JSAPI ticket for dd.config signatures. */
  jsapiTicket(): Promise<string> {
    if (!this.jsapi) throw new Error('this org client has no JSAPI ticket source');
    return this.jsapi.get();
  }
}
