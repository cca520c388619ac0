import { createServer } from 'node:net';

/**
 * Ports this process has handed out. The kernel may pick a port again as soon as its probe closed:
 * two services of one stack given the same port means the second fails to listen while its health
 * check is answered by the first (seen once in CI: the console's page answered by the cloud).
 */
const handedOut = new Set<number>();

/** A TCP port nobody listens on right now (the kernel picks it), never the same one twice in this process. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await kernelPickedPort();
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

function kernelPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
