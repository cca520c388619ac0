import type { Router } from 'express';
import { z } from 'zod';
import { MEDIA_LIMITS, MEDIA_TYPES, UploadedMediaSchema } from '@dtg/contracts';
import type { ApiRegistry } from '@dtg/service-kit';
import { principal, requireScope } from '../auth/authenticate.middleware';
import type { DingTalk } from '../dingtalk/org-clients';
import type { TenantsService } from '../tenants/tenants.service';
import { uploadMedia } from './media-upload';

const limits = MEDIA_TYPES.map((type) => `${type}: ≤ ${MEDIA_LIMITS[type].maxBytes / 1024 / 1024} MB, ${MEDIA_LIMITS[type].extensions.join('/')}`).join('; ');

/** Media for image, voice and file messages: the media id goes into `msg.image.media_id` etc. of POST /v1/messages. */
export function mediaRoutes(deps: { dingtalk: DingTalk; tenants: TenantsService }, api: ApiRegistry): Router {
  const router = api.router('/v1/media');
  api.add(
    router,
    {
      method: 'post',
      path: '/v1/media',
      summary: `Upload a file for image, voice or file messages: multipart/form-data with the file in the field "media"; answers the media_id (${limits})`,
      tags: ['messages'],
      security: ['bearer'],
      scopes: ['messages:send'],
      before: [requireScope('messages:send')],
      input: { query: z.object({ type: z.enum(MEDIA_TYPES) }) },
      responses: {
        201: { description: 'Uploaded to DingTalk', schema: UploadedMediaSchema },
        400: { description: 'No file in the field "media", or a malformed body' },
        413: { description: 'Larger than DingTalk takes for the type' },
        415: { description: 'Not multipart/form-data, or an extension DingTalk does not take for the type' },
        502: { description: 'DingTalk refused the upload (dingtalk_setup says what to fix)' },
        503: { description: 'DingTalk busy or unreachable; upload again later' },
      },
    },
    async ({ query }, req, res) => {
      const tenant = await deps.tenants.get(principal(res).tenantId);
      res.status(201).json(await uploadMedia(req, query.type, () => deps.dingtalk.forTenant(tenant)));
    },
  );
  return router;
}
