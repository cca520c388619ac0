/**
 * Where the newest suite_ticket comes from. The cloud persists tickets pushed by DingTalk
 * (callback or Stream) and implements this over its database; newest ticket wins.
 */
export interface SuiteTicketSource {
  current(suiteKey: string): Promise<string | undefined>;
}

/** Keeps the latest ticket per suite in memory (tests, demos, custom apps whose ticket is any string). */
export class InMemorySuiteTicketSource implements SuiteTicketSource {
  private readonly tickets = new Map<string, string>();

  constructor(initial: Readonly<Record<string, string>> = {}) {
    for (const [suiteKey, ticket] of Object.entries(initial)) this.tickets.set(suiteKey, ticket);
  }

  set(suiteKey: string, ticket: string): void {
    this.tickets.set(suiteKey, ticket);
  }

  async current(suiteKey: string): Promise<string | undefined> {
    return this.tickets.get(suiteKey);
  }
}
