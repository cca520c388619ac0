// Attachments through the store: a file for an image or file message goes on to the cloud's
// POST /v1/media (which streams it to DingTalk) with the store's own API key; the media id comes
// back for the message. The store never talks to DingTalk. It checks DingTalk's type and size
// limits itself first, so what would be refused costs no upload, and it counts the bytes as they
// pass: a body longer than its declared size is cut off, never sent on as something else.
import { Transform, type Readable } from 'node:stream';
import { extensionOf, MEDIA_LIMITS, type MediaType, type UploadedMediaView } from '@dtg/contracts';
import { AppError, type ErrorCode } from '@dtg/service-kit';
import { CloudRequestError, type CloudAnswer, type CloudClient } from '../../cloud/cloud-client';

export interface MediaUploadInput {
  type: MediaType;
  filename: string;
  contentType: string;
  /** The declared Content-Length: the exact number of bytes `content` must yield. */
  size: number;
  content: Readable;
}

/** The cloud's refusals the store passes on under the same code; anything else is the cloud's failure. */
const PASSED_ON: ErrorCode[] = ['payload_too_large', 'unsupported_media_type', 'dingtalk_setup', 'unavailable'];

/** DingTalk's limits for the type, checked before anything leaves the store. */
export function mediaRefusal(type: MediaType, filename: string, size: number): AppError | undefined {
  const limits = MEDIA_LIMITS[type];
  const extension = extensionOf(filename);
  if (extension === undefined || !limits.extensions.includes(extension)) {
    return new AppError(
      'unsupported_media_type',
      `A ${type} must be one of ${limits.extensions.join(', ')} (got ${extension ? `.${extension}` : 'no extension'}).`,
    );
  }
  if (size > limits.maxBytes) return new AppError('payload_too_large', `A ${type} may be at most ${limits.maxBytes / 1024 / 1024} MB.`);
  return undefined;
}

/** Passes `size` bytes through and fails the stream on one more (the cloud then sees an aborted body, not a longer file). */
function exactly(size: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > size) done(new AppError('payload_too_large', `The body is longer than its Content-Length (${size} bytes).`));
      else done(null, chunk);
    },
  });
}

export function mediaRelay(cloud: Pick<CloudClient, 'uploadMedia'>) {
  return {
    async upload(input: MediaUploadInput): Promise<UploadedMediaView> {
      const refusal = mediaRefusal(input.type, input.filename, input.size);
      if (refusal) throw refusal;
      const counted = input.content.pipe(exactly(input.size));
      // A failure on the incoming side (client gone, too many bytes) must end the relay, not hang it.
      input.content.once('error', (error) => counted.destroy(error));
      let answer: CloudAnswer<UploadedMediaView>;
      try {
        answer = await cloud.uploadMedia({ ...input, content: counted });
      } catch (error) {
        if (error instanceof CloudRequestError) {
          const cause = error.cause instanceof Error ? (error.cause as Error & { cause?: unknown }).cause : undefined;
          if (cause instanceof AppError) throw cause;
          throw new AppError('upstream_error', 'The cloud gateway could not be reached for the upload.', { cause: error });
        }
        throw error;
      }
      if (answer.ok) return answer.value;
      const problem = answer.body as { code?: unknown; detail?: unknown; dingtalk?: AppError['dingtalk'] } | undefined;
      const detail = typeof problem?.detail === 'string' ? problem.detail : `the cloud answered HTTP ${answer.status}`;
      const code = PASSED_ON.find((known) => known === problem?.code);
      if (code) throw new AppError(code, detail, problem?.dingtalk ? { dingtalk: problem.dingtalk } : {});
      throw new AppError('upstream_error', `The cloud refused the upload: ${detail}`);
    },
  };
}

export type MediaRelay = ReturnType<typeof mediaRelay>;
