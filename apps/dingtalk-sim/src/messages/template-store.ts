import type { Fixture, MessageTemplate } from '../fixture/fixture.schema';

/** What one suite's developer has set up for work notifications. */
export interface SuiteTemplateSettings {
  suiteKey: string;
  /** Created after 2020-11-27: asyncsend_v2 is refused, only sendbytemplate sends. */
  requiresTemplate: boolean;
  templates: MessageTemplate[];
}

/**
 * Per-suite template settings, seeded from the fixture and changed through `/_sim/suites/…`.
 * Internal apps have none: they always send with asyncsend_v2.
 */
export class TemplateStore {
  private readonly suites = new Map<string, { requiresTemplate: boolean; templates: Map<string, MessageTemplate> }>();

  constructor(fixture: Fixture) {
    for (const suite of fixture.suites) {
      this.suites.set(suite.suiteKey, { requiresTemplate: suite.requiresTemplate, templates: new Map(suite.templates.map((t) => [t.templateId, t])) });
    }
  }

  requiresTemplate(suiteKey: string): boolean {
    return this.suites.get(suiteKey)?.requiresTemplate ?? false;
  }

  template(suiteKey: string, templateId: string): MessageTemplate | undefined {
    return this.suites.get(suiteKey)?.templates.get(templateId);
  }

  /** `templates` replaces the suite's whole list; either part may be left out. */
  configure(suiteKey: string, change: { requiresTemplate?: boolean; templates?: MessageTemplate[] }): SuiteTemplateSettings {
    const current = this.suites.get(suiteKey) ?? { requiresTemplate: false, templates: new Map<string, MessageTemplate>() };
    if (change.requiresTemplate !== undefined) current.requiresTemplate = change.requiresTemplate;
    if (change.templates !== undefined) current.templates = new Map(change.templates.map((t) => [t.templateId, t]));
    this.suites.set(suiteKey, current);
    return this.describe(suiteKey);
  }

  describe(suiteKey: string): SuiteTemplateSettings {
    const suite = this.suites.get(suiteKey);
    return { suiteKey, requiresTemplate: suite?.requiresTemplate ?? false, templates: [...(suite?.templates.values() ?? [])] };
  }
}
