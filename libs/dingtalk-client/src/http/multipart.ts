// One file as multipart/form-data, streamed: the file's bytes flow from its source to the socket
// without being held in memory (media uploads are up to 20 MB each).
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface MultipartFile {
  /** The form field DingTalk reads the file from (`media` for /media/upload). */
  field: string;
  filename: string;
  contentType: string;
  content: Readable;
}

/** Quotes a header parameter value (RFC 7578: backslash-escape `"` and `\`, no line breaks). */
function quoted(value: string): string {
  return `"${value.replace(/[\r\n]/g, ' ').replace(/(["\\])/g, '\\$1')}"`;
}

export function multipartBody(file: MultipartFile): { contentType: string; body: Readable } {
  const boundary = `----dtg${randomBytes(16).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.field)}; filename=${quoted(file.filename)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    'utf8',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  async function* parts(): AsyncGenerator<Buffer> {
    yield head;
    for await (const chunk of file.content) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    yield tail;
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body: Readable.from(parts()) };
}
