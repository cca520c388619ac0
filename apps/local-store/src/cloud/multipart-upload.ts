// One file as a multipart/form-data body, built around the file's stream rather than in memory:
// the preamble, the bytes as they arrive, the closing boundary. With the file's size known the
// whole length is known too, so the cloud can refuse an oversize upload from Content-Length alone.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartFile {
  /** The form field (the cloud's POST /v1/media reads `media`). */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  content: Readable;
}

/** An ASCII stand-in for the plain `filename=` parameter; the exact name goes in `filename*` (RFC 5987/6266). */
const asciiFallback = (name: string) => name.replace(/[^\x20-\x7e]|["\\]/g, '_');

export function multipartBody(file: MultipartFile): { contentType: string; length: number; body: Readable } {
  const boundary = `----dtg-${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\n` +
      `Content-Disposition: form-data; name="${file.field}"; filename="${asciiFallback(file.filename)}"; filename*=UTF-8''${encodeURIComponent(file.filename)}\r\n` +
      `Content-Type: ${file.contentType.replace(/[\r\n]/g, '')}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of file.content) yield chunk as Buffer;
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length: head.length + file.size + tail.length, body: Readable.from(parts()) };
}
