import {
  DepartmentDetailSchema,
  DepartmentParamsSchema,
  DepartmentTreeQuerySchema,
  DepartmentTreeSchema,
  UnionIdParamsSchema,
  UserParamsSchema,
  UserProfileSchema,
  UsersPageSchema,
  UsersQuerySchema,
} from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router, type RequestHandler } from 'express';
import { REFUSALS, type Access } from '../../http/access';
import type { DirectoryService } from './directory.service';

// Directory answers carry Express's ETag (a hash of the body): `If-None-Match` gets a 304 with no
// body. `private, no-cache` keeps shared caches out (answers depend on the credential) and makes
// browsers ask again each time.
const revalidate: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'private, no-cache');
  next();
};

export function directoryRoutes(api: ApiRegistry, access: Access, directory: DirectoryService): Router {
  const router = Router();
  const tags = ['directory'];
  const read = access.scope('directory:read');
  const rule = { ...read, before: [...(read.before ?? []), revalidate] };
  const notModified = { 304: { description: 'Unchanged since the ETag given in If-None-Match.' } };
  api.add(
    router,
    {
      ...rule,
      method: 'get',
      path: '/api/users',
      summary:
        'Users by userid, one page at a time (keyset cursor: stable while the directory changes). Filters: department (optionally with sub-departments), ' +
        'changed since, active or not, and `q` (case-insensitive substring of name, userid or job number).',
      tags,
      input: { query: UsersQuerySchema },
      responses: {
        200: { description: 'One page.', schema: UsersPageSchema },
        ...notModified,
        400: { description: 'A filter is out of range (named).' },
        ...REFUSALS,
      },
    },
    async ({ query }, _req, res) => {
      res.json(await directory.listUsers(query));
    },
  );
  api.add(
    router,
    {
      ...rule,
      method: 'get',
      path: '/api/users/by-union-id/:unionId',
      summary: 'One user by DingTalk unionId (also when inactive).',
      tags,
      input: { params: UnionIdParamsSchema },
      responses: { 200: { description: 'The user.', schema: UserProfileSchema }, ...notModified, ...REFUSALS, 404: { description: 'Unknown unionId.' } },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.getUserByUnionId(params.unionId));
    },
  );
  api.add(
    router,
    {
      ...rule,
      method: 'get',
      path: '/api/users/:userid',
      summary: 'One user (also when inactive).',
      tags,
      input: { params: UserParamsSchema },
      responses: { 200: { description: 'The user.', schema: UserProfileSchema }, ...notModified, ...REFUSALS, 404: { description: 'Unknown user.' } },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.getUser(params.userid));
    },
  );
  api.add(
    router,
    {
      ...rule,
      method: 'get',
      path: '/api/departments',
      summary: 'The department tree with direct member counts, or the subtree under `rootId` (a department whose parent is unknown or removed is a root).',
      tags,
      input: { query: DepartmentTreeQuerySchema },
      responses: {
        200: { description: 'Roots with nested children.', schema: DepartmentTreeSchema },
        ...notModified,
        400: { description: 'Bad rootId.' },
        ...REFUSALS,
        404: { description: 'Unknown rootId.' },
      },
    },
    async ({ query }, _req, res) => {
      res.json(await directory.departmentTree(query));
    },
  );
  api.add(
    router,
    {
      ...rule,
      method: 'get',
      path: '/api/departments/:deptId',
      summary: 'One department: direct and total (with sub-departments) active member counts, and its path from the root.',
      tags,
      input: { params: DepartmentParamsSchema },
      responses: {
        200: { description: 'The department.', schema: DepartmentDetailSchema },
        ...notModified,
        400: { description: 'Bad deptId.' },
        ...REFUSALS,
        404: { description: 'Unknown or removed.' },
      },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.getDepartment(params.deptId));
    },
  );
  return router;
}
