import { MEDIA_TYPES, UploadedMediaSchema } from '@dtg/contracts';
import { AppError, type ApiRegistry } from '@dtg/service-kit';
import { Router } from 'express';
import { z } from 'zod';
import { REFUSALS, type Access } from '../../http/access';
import type { MediaRelay } from './media-relay.service';

const UploadQuerySchema = z.object({
  type: z.enum(MEDIA_TYPES),
  /** Shown to recipients of a file message; its extension must be one DingTalk takes for the type. */
  filename: z.string().trim().min(1).max(255),
});
const UploadHeadersSchema = z.object({
  /** Required: the store relays the body as it arrives and must know its length up front. */
  'content-length': z.coerce.number().int().positive(),
  'content-type': z.string().max(255).optional(),
});

/** POST /api/media: the file itself as the body (not a form), relayed to the cloud's POST /v1/media. */
export function mediaRoutes(api: ApiRegistry, access: Access, relay: MediaRelay): Router {
  const router = Router();
  api.add(
    router,
    {
      ...access.scope('messages:send'),
      method: 'post',
      path: '/api/media',
      summary:
        'Upload a file for an image, voice or file message: the raw bytes as the body (Content-Length required), `type` and `filename` in the query. ' +
        'Streamed through the cloud to DingTalk; answers the media_id for `msg.image.media_id` (or file, voice).',
      tags: ['messages'],
      input: { query: UploadQuerySchema, headers: UploadHeadersSchema },
      responses: {
        201: { description: 'Uploaded; `mediaId` goes into the message.', schema: UploadedMediaSchema },
        400: { description: 'No type or filename, or no Content-Length.' },
        413: { description: 'Larger than DingTalk takes for the type (or longer than its Content-Length).' },
        415: { description: 'An extension DingTalk does not take for the type, or a JSON body.' },
        ...REFUSALS,
        502: { description: 'The cloud or DingTalk refused the upload (the detail says why).' },
        503: { description: 'DingTalk busy or unreachable; upload again later.' },
      },
    },
    async ({ query, headers }, req, res) => {
      // A JSON body would already be parsed away by the JSON middleware; no DingTalk media is JSON.
      if (req.is('application/json')) throw new AppError('unsupported_media_type', 'Send the file itself as the body, not JSON.');
      const uploaded = await relay.upload({
        type: query.type,
        filename: query.filename,
        contentType: headers['content-type'] ?? 'application/octet-stream',
        size: headers['content-length'],
        content: req,
      });
      res.status(201).json(uploaded);
    },
  );
  return router;
}
