import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { Router } from 'express';
import busboy from 'busboy';
import { clientKeyOf, type OrgPrincipal } from '../auth/principal';
import { endpoint } from '../core/endpoint';
import { randomAlnum } from '../core/ids';
import { SimError } from '../core/sim-error';
import type { World } from '../world';

/** Types and limits as dingtalk-api.md §4.9 cites them (image ≤ 20 MB jpg/gif/png/bmp, …). */
const LIMITS: Record<string, { maxBytes: number; extensions: string[] }> = {
  image: { maxBytes: 20 * 1024 * 1024, extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
  voice: { maxBytes: 2 * 1024 * 1024, extensions: ['amr', 'mp3', 'wav'] },
  video: { maxBytes: 20 * 1024 * 1024, extensions: ['mp4'] },
  file: { maxBytes: 20 * 1024 * 1024, extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'] },
};

interface Received {
  filename: string;
  size: number;
  sha256: string;
}

/** Reads the `media` part of a multipart request, hashing it as it streams; refuses it past `maxBytes`. */
function receiveFile(req: Request, type: string, maxBytes: number, extensions: string[]): Promise<Received> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes } });
    } catch {
      reject(new SimError('malformed_body', 'malformed multipart/form-data'));
      return;
    }
    let received: Received | undefined;
    let refusal: SimError | undefined;
    parser.on('file', (field, stream, info) => {
      if (field !== 'media') {
        stream.resume();
        return;
      }
      const extension = info.filename.includes('.') ? info.filename.split('.').pop()?.toLowerCase() : undefined;
      if (!extension || !extensions.includes(extension)) refusal ??= new SimError('invalid_file_type', `a ${type} must be one of ${extensions.join(', ')}`);
      const hash = createHash('sha256');
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        hash.update(chunk);
      });
      stream.on('limit', () => (refusal ??= new SimError('invalid_file_size', `a ${type} may be at most ${maxBytes} bytes`)));
      stream.on('end', () => (received = { filename: info.filename, size, sha256: hash.digest('hex') }));
    });
    parser.on('error', () => reject(new SimError('malformed_body', 'malformed multipart/form-data')));
    parser.on('close', () => {
      if (refusal) reject(refusal);
      else if (!received) reject(new SimError('missing_param', 'missing parameter media'));
      else resolve(received);
    });
    req.pipe(parser);
  });
}

/** `POST /media/upload?type=` (dingtalk-api.md §4.9): stores who uploaded what and answers its media_id. */
export function mediaRoutes(world: World): Router {
  const router = Router();
  router.post(
    '/media/upload',
    endpoint(world, 'oapi', '/media/upload', {
      auth: ['app', 'corp'],
      multipart: true,
      handle: async ({ params, request, principal }) => {
        const type = params.str('type');
        const limits = LIMITS[type];
        if (!limits) throw new SimError('invalid_media_type', `type must be one of ${Object.keys(LIMITS).join(', ')}`);
        const file = await receiveFile(request, type, limits.maxBytes, limits.extensions);
        const mediaId = `@lADP${randomAlnum(24)}`;
        const createdAt = world.clock.now();
        world.media.add({ mediaId, owner: clientKeyOf(principal as OrgPrincipal), type, ...file, createdAt });
        return { type, media_id: mediaId, created_at: createdAt };
      },
    }),
  );
  return router;
}
