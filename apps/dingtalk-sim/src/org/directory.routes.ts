import { Router } from 'express';
import type { OrgPrincipal } from '../auth/principal';
import { endpoint, type EndpointInput } from '../core/endpoint';
import { SimError } from '../core/sim-error';
import type { World } from '../world';
import { getDepartment, getUser, listSubDepartmentIds, listSubDepartments, listUserIds, listUsers, useridByUnionId } from './directory.service';
import { unionIdFor, viewerOf, type Viewer } from './viewer';

const ORG_TOKENS = ['app', 'corp'] as const;

/** Directory reads on the old host (dingtalk-api.md §3), for internal-app and ISV corp tokens. */
export function directoryRoutes(world: World): Router {
  const router = Router();
  const route = (path: string, handle: (input: EndpointInput, viewer: Viewer) => object) =>
    router.all(
      path,
      endpoint(world, 'oapi', path, {
        auth: ORG_TOKENS,
        handle: (input) => ({ result: handle(input, viewerOf(world, input.principal as OrgPrincipal)) }),
      }),
    );

  route('/topapi/user/getbyunionid', ({ params }, viewer) => useridByUnionId(world, viewer, params.str('unionid')));
  route('/topapi/v2/user/get', ({ params }, viewer) => getUser(world, viewer, params.str('userid')));
  route('/topapi/v2/department/listsub', ({ params }, viewer) => listSubDepartments(world, viewer, params.optInt('dept_id') ?? 1));
  route('/topapi/v2/department/listsubid', ({ params }, viewer) => listSubDepartmentIds(world, viewer, params.int('dept_id')));
  route('/topapi/v2/department/get', ({ params }, viewer) => getDepartment(world, viewer, params.int('dept_id')));
  route('/topapi/user/listid', ({ params }, viewer) => listUserIds(world, viewer, params.int('dept_id')));
  route('/topapi/v2/user/list', ({ params }, viewer) => listUsers(world, viewer, params.int('dept_id'), params.int('cursor'), params.int('size')));
  route('/topapi/v2/user/getuserinfo', ({ params }, viewer) => {
    const userid = world.oauth.consumeInAppCode(params.str('code'), viewer.corpId, world.clock.now());
    const member = userid !== undefined ? world.orgs.member(viewer.corpId, userid) : undefined;
    if (!member) throw new SimError('invalid_code', 'code is invalid, expired or already used');
    return {
      userid: member.userid,
      unionid: unionIdFor(viewer, member.personId),
      associated_unionid: '',
      name: member.name,
      device_id: 'sim-device',
      sys: member.admin,
      sys_level: member.admin ? 1 : 0,
    };
  });

  return router;
}
