import { Router } from 'express';
import { z } from 'zod';
import { control } from '../control/control-handler';
import { SimulatorError, type Simulator } from '../simulator';
import { KNOWN_PERMISSIONS } from './api-permissions';

const AppAccessSchema = z.object({
  /** Permissions the app (AppKey) or suite (SuiteKey) has NOT been granted. */
  deniedPermissions: z.array(z.enum(KNOWN_PERMISSIONS as [string, ...string[]])).optional(),
  /** The app's server IP allow-list; null or [] lets every address call. */
  ipAllowlist: z
    .array(z.union([z.ipv4(), z.ipv6()]))
    .nullable()
    .optional(),
});
const ContactScopeSchema = z.object({ suiteKey: z.string().min(1), deptIds: z.array(z.number().int().positive()).min(1).nullable() });

/** `/_sim/access`: switch on what real first deployments trip over (all open by default). */
export function accessRoutes(sim: Simulator): Router {
  const router = Router();
  const access = () => sim.world.access;
  const known = (appId: string) => sim.world.registry.app(appId) !== undefined || sim.world.registry.suite(appId) !== undefined;

  router.get(
    '/_sim/access',
    control(() => ({ apps: access().describe(), contactScopes: access().listContactScopes(), permissions: KNOWN_PERMISSIONS })),
  );
  router.put(
    '/_sim/access/apps/:appId',
    control(({ params, body }) => {
      const appId = params['appId'] ?? '';
      if (!known(appId)) throw new SimulatorError(`no app or suite ${appId}`);
      const change = AppAccessSchema.parse(body);
      if (change.deniedPermissions !== undefined) access().setDenied(appId, change.deniedPermissions);
      if (change.ipAllowlist !== undefined) access().setIpAllowlist(appId, change.ipAllowlist);
      return (
        access()
          .describe()
          .find((entry) => entry.app === appId) ?? { app: appId, deniedPermissions: [], ipAllowlist: [] }
      );
    }),
  );
  router.put(
    '/_sim/orgs/:corpId/contact-scope',
    control(({ params, body }) => {
      const corpId = params['corpId'] ?? '';
      const { suiteKey, deptIds } = ContactScopeSchema.parse(body);
      if (!sim.world.registry.suite(suiteKey)) throw new SimulatorError(`no suite ${suiteKey}`);
      for (const deptId of deptIds ?? []) {
        if (!sim.world.orgs.department(corpId, deptId)) throw new SimulatorError(`department ${deptId} not found in ${corpId}`);
      }
      access().setContactScope(suiteKey, corpId, deptIds);
      return { suiteKey, corpId, deptIds };
    }),
  );
  return router;
}
