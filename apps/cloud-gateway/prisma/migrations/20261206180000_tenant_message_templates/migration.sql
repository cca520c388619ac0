-- Template sends (sendbytemplate) for ISV tenants: whether a tenant's suite may only send by
-- template (created after 2020-11-27), and the template a send without a template id uses.
ALTER TABLE "Tenant" ADD COLUMN "templateRequired" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Tenant" ADD COLUMN "defaultTemplateId" TEXT;
