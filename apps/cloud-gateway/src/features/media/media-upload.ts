// POST /v1/media: a file from the caller streamed through to DingTalk's /media/upload. Nothing is
// buffered whole or written to disk: busboy hands over the file part as it arrives and the client
// streams it on. DingTalk's type and size limits are checked before DingTalk is called (the declared
// Content-Length, then the extension), and the byte count as it flows: past the limit the upload is
// aborted, so DingTalk never receives a truncated file.
import { Transform } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import {
  checkMediaLimits,
  diagnoseSetup,
  DingTalkApiError,
  isDingTalkBusy,
  MEDIA_LIMITS,
  MediaLimitError,
  type MediaType,
  type OrgClient,
} from '@dtg/dingtalk-client';
import { AppError } from '@dtg/service-kit';

export interface UploadedFile {
  mediaId: string;
  type: MediaType;
  filename: string;
  size: number;
  createdAt: string;
}

// Room for the multipart framing around the file (boundaries, part headers).
const FRAMING_BYTES = 64 * 1024;

/** Past DingTalk's size limit for the type: refused whether the declared length or the streamed count says so. */
const sizeRefusal = (type: MediaType, maxBytes: number) => limitError(new MediaLimitError('size', `a ${type} may be at most ${maxBytes / 1024 / 1024} MB`));

function limitError(err: MediaLimitError): AppError {
  return new AppError(err.limit === 'size' ? 'payload_too_large' : 'unsupported_media_type', err.message);
}

function dingTalkError(err: unknown): unknown {
  const setup = diagnoseSetup(err);
  if (setup) return new AppError('dingtalk_setup', `DingTalk refused the upload (${setup.problem}): ${setup.fix}`, { cause: err, dingtalk: setup });
  if (isDingTalkBusy(err)) return new AppError('unavailable', 'DingTalk is busy or unreachable; upload the file again later', { cause: err });
  if (err instanceof DingTalkApiError) return new AppError('upstream_error', `DingTalk refused the upload: ${err.errmsg ?? err.message}`, { cause: err });
  return err;
}

export async function uploadMedia(req: Request, type: MediaType, org: () => Promise<OrgClient>): Promise<UploadedFile> {
  if (!req.is('multipart/form-data')) throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in the field "media".');
  const { maxBytes } = MEDIA_LIMITS[type];
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes + FRAMING_BYTES) throw sizeRefusal(type, maxBytes);
  const client = await org();

  return new Promise<UploadedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 0 } });
    } catch {
      reject(new AppError('bad_request', 'The multipart/form-data body is malformed (no boundary).'));
      return;
    }
    let started = false;
    let settled = false;
    const finish = (outcome: { file?: UploadedFile; error?: unknown }) => {
      if (settled) return;
      settled = true;
      // Whatever is left of the request is read and dropped, so the answer is not cut off by a reset.
      req.unpipe(parser);
      req.resume();
      if (outcome.error !== undefined) reject(outcome.error);
      else if (outcome.file) resolve(outcome.file);
    };
    parser.on('file', (field, stream, info) => {
      if (field !== 'media' || started) {
        stream.resume();
        return;
      }
      started = true;
      try {
        checkMediaLimits(type, info.filename);
      } catch (err) {
        stream.resume();
        finish({ error: err instanceof MediaLimitError ? limitError(err) : err });
        return;
      }
      let size = 0;
      let tooLarge = false;
      // Counted on the way through (one consumer: a second 'data' listener would steal chunks from the upload).
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          size += chunk.length;
          callback(null, chunk);
        },
      });
      stream.on('limit', () => {
        tooLarge = true;
        // An error in the body's source aborts the request to DingTalk mid-body: no truncated file arrives there.
        counted.destroy(new Error('file over the size limit'));
      });
      // Settles when the caller's file part has been read to its end or cut at the limit.
      const sourceDone = new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('limit', resolve);
        stream.on('close', resolve);
      });
      stream.pipe(counted);
      client.media.upload({ type, filename: info.filename, contentType: info.mimeType, content: counted }).then(
        (uploaded) =>
          finish({ file: { mediaId: uploaded.mediaId, type, filename: info.filename, size, createdAt: new Date(uploaded.createdAt).toISOString() } }),
        (err: unknown) => {
          // DingTalk may drop the connection over an oversize file before our own count reaches the
          // limit: read the rest of the part first, so an oversize file is always answered 413.
          stream.unpipe(counted);
          stream.resume();
          void sourceDone.then(() => finish({ error: tooLarge ? sizeRefusal(type, maxBytes) : dingTalkError(err) }));
        },
      );
    });
    parser.on('error', () => finish({ error: new AppError('bad_request', 'The multipart/form-data body is malformed.') }));
    parser.on('close', () => {
      if (!started)
        finish({
          error: new AppError('validation_failed', 'The file is missing: send it in the multipart field "media".', {
            fields: [{ path: 'body.media', message: 'required' }],
          }),
        });
    });
    req.pipe(parser);
  });
}
