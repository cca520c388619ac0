-- Scheduled full directory reconcile per tenant: its own interval (NULL = the deployment default,
-- 0 = off) and when the next run is due (computed by the scheduler job). Added in place, as the
-- callbackMode column before it.
ALTER TABLE "Tenant" ADD COLUMN "reconcileIntervalMs" INTEGER;
ALTER TABLE "Tenant" ADD COLUMN "nextReconcileAt" DATETIME;
