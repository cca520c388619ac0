import { DepartmentTreeSchema, UserParamsSchema, UserProfileSchema, UsersPageSchema, UsersQuerySchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { REFUSALS, type Access } from '../../http/access';
import type { DirectoryService } from './directory.service';

export function directoryRoutes(api: ApiRegistry, access: Access, directory: DirectoryService): Router {
  const router = Router();
  const tags = ['directory'];
  api.add(
    router,
    {
      ...access.scope('directory:read'),
      method: 'get',
      path: '/api/users',
      summary: 'Users of the organisation by userid; `q` searches name and userid (case-insensitive).',
      tags,
      input: { query: UsersQuerySchema },
      responses: { 200: { description: 'One page.', schema: UsersPageSchema }, 400: { description: 'Bad query.' }, ...REFUSALS },
    },
    async ({ query }, _req, res) => {
      res.json(await directory.listUsers(query));
    },
  );
  api.add(
    router,
    {
      ...access.scope('directory:read'),
      method: 'get',
      path: '/api/users/:userid',
      summary: 'One user (also when inactive).',
      tags,
      input: { params: UserParamsSchema },
      responses: { 200: { description: 'The user.', schema: UserProfileSchema }, ...REFUSALS, 404: { description: 'Unknown user.' } },
    },
    async ({ params }, _req, res) => {
      res.json(await directory.getUser(params.userid));
    },
  );
  api.add(
    router,
    {
      ...access.scope('directory:read'),
      method: 'get',
      path: '/api/departments',
      summary: 'The department tree (a department whose parent is unknown or removed is a root).',
      tags,
      responses: { 200: { description: 'Roots with nested children.', schema: DepartmentTreeSchema }, ...REFUSALS },
    },
    async (_input, _req, res) => {
      res.json(await directory.departmentTree());
    },
  );
  return router;
}
