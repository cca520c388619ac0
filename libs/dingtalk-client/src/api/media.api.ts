import type { Readable } from 'node:stream';
import { z } from 'zod';
import { extensionOf, MEDIA_LIMITS, MEDIA_TYPES, type MediaType } from '@dtg/contracts';
import type { OrgBinding } from './org-binding';

// The types and limits live in @dtg/contracts: the local store checks the same ones before relaying.
export { MEDIA_LIMITS, MEDIA_TYPES, type MediaType };

/** Why a file is refused before upload: `type`/`extension` (415-like) or `size` (413-like). */
export class MediaLimitError extends Error {
  override readonly name = 'MediaLimitError';
  constructor(
    readonly limit: 'extension' | 'size',
    message: string,
  ) {
    super(message);
  }
}

export interface MediaUpload {
  type: MediaType;
  /** Shown to recipients of a file message; its extension must be one DingTalk takes for the type. */
  filename: string;
  contentType?: string;
  content: Readable;
  /** Bytes, when known in advance: checked against the limit before anything is sent. */
  size?: number;
}

export interface UploadedMedia {
  mediaId: string;
  type: string;
  createdAt: number;
}

const UploadAnswer = z
  .object({ type: z.string(), media_id: z.string().min(1), created_at: z.number() })
  .transform((r): UploadedMedia => ({ mediaId: r.media_id, type: r.type, createdAt: r.created_at }));

// A 20 MB upload on a slow uplink takes longer than an API call's default deadline.
const UPLOAD_TIMEOUT_MS = 120_000;

/** Throws MediaLimitError when DingTalk would refuse the file's extension or declared size. */
export function checkMediaLimits(type: MediaType, filename: string, size?: number): void {
  const limits = MEDIA_LIMITS[type];
  const extension = extensionOf(filename);
  if (extension === undefined || !limits.extensions.includes(extension)) {
    throw new MediaLimitError('extension', `a ${type} must be one of ${limits.extensions.join(', ')} (got ${extension ? `.${extension}` : 'no extension'})`);
  }
  if (size !== undefined && size > limits.maxBytes) {
    throw new MediaLimitError('size', `a ${type} may be at most ${limits.maxBytes / 1024 / 1024} MB (got ${(size / 1024 / 1024).toFixed(1)} MB)`);
  }
}

/** `/media/upload` (dingtalk-api.md §4.9): the media id goes into image, voice and file messages. */
export class MediaApi {
  constructor(private readonly org: OrgBinding) {}

  /**
   * Streams the file to DingTalk. Never retried (the stream is read once): a failure is the
   * caller's to repeat with a fresh stream.
   */
  upload(media: MediaUpload): Promise<UploadedMedia> {
    checkMediaLimits(media.type, media.filename, media.size);
    return this.org.caller.call({
      host: 'oapi',
      method: 'POST',
      path: '/media/upload',
      query: { type: media.type },
      idempotent: false,
      rateKey: this.org.rateKey,
      auth: this.org.token,
      upload: { field: 'media', filename: media.filename, contentType: media.contentType ?? 'application/octet-stream', content: media.content },
      timeoutMs: UPLOAD_TIMEOUT_MS,
      schema: UploadAnswer,
    });
  }
}
