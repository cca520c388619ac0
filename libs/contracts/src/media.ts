// Media for image, voice and file messages: the types and limits DingTalk takes, and the cloud's
// answer to POST /v1/media. Here (not only in the DingTalk client) because the local store and its
// console check the same limits before relaying an upload, and the store never loads the client.
import { z } from 'zod';

export const MEDIA_TYPES = ['image', 'voice', 'video', 'file'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/**
 * DingTalk's limits per media type (dingtalk-api.md §4.9, marked there as commonly cited rather
 * than verified): checked before anything is sent, so a file DingTalk would refuse costs no upload.
 */
export const MEDIA_LIMITS: Record<MediaType, { maxBytes: number; extensions: readonly string[] }> = {
  image: { maxBytes: 20 * 1024 * 1024, extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
  voice: { maxBytes: 2 * 1024 * 1024, extensions: ['amr', 'mp3', 'wav'] },
  video: { maxBytes: 20 * 1024 * 1024, extensions: ['mp4'] },
  file: { maxBytes: 20 * 1024 * 1024, extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'] },
};

/** The lower-cased extension of a filename, or undefined when it has none. */
export function extensionOf(filename: string): string | undefined {
  return filename.includes('.') ? filename.split('.').pop()?.toLowerCase() : undefined;
}

/** The cloud's answer to POST /v1/media (and the local store's to POST /api/media). */
export const UploadedMediaSchema = z.object({
  mediaId: z.string(),
  type: z.enum(MEDIA_TYPES),
  filename: z.string(),
  size: z.number().int(),
  createdAt: z.string(),
});
export type UploadedMediaView = z.infer<typeof UploadedMediaSchema>;
