// HTTP with nothing normalised away, over keep-alive: the path is sent exactly as given (bad
// percent-encodings included), header values may carry raw non-ASCII bytes, and the body is
// whatever bytes the test chose — what fetch() would refuse to send or quietly fix.
import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, already encoded (or deliberately mis-encoded). */
  target: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

export class RawClient {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  sent = 0;

  constructor(private readonly baseUrl: string) {}

  async send(request: RawRequest): Promise<RawResponse> {
    this.sent += 1;
    try {
      return await this.once(request, this.agent);
    } catch (err) {
      // A keep-alive socket the server closed while idle: the request never arrived, send it again.
      if ((err as { reusedSocket?: boolean }).reusedSocket) return this.once(request, this.agent);
      throw err;
    }
  }

  private once(request: RawRequest, agent: http.Agent): Promise<RawResponse> {
    const url = new URL(this.baseUrl);
    // A body over the server's limit is refused before it is read: such a request gets a connection of its own.
    const big = (request.body?.length ?? 0) > 256 * 1024;
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.target,
          agent: big ? false : agent,
          // Header values are latin1 on the wire: a UTF-8 string is sent as its raw bytes.
          headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('latin1')])),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error(`no answer in 30 s to ${request.method} ${request.target.slice(0, 200)}`)));
      req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
      req.end(request.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
