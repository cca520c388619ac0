import { createServer, STATUS_CODES, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AppError } from '../errors/app-error';
import { PROBLEM_CONTENT_TYPE, problemOf } from '../errors/error-handler.middleware';
import type { Express } from 'express';
import type { Logger } from '../logging/create-logger';

export type ShutdownHook = () => Promise<void>;

export interface ServeOptions {
  port: number;
  /** Interface to bind; all interfaces when omitted. */
  host?: string;
  logger: Logger;
  /** Run in order after the server has drained: stop workers first, disconnect the DB last. */
  onShutdown?: ShutdownHook[];
  /** Max wait for in-flight requests before their connections are cut. Default 10000 ms. */
  shutdownTimeoutMs?: number;
  /** Install SIGTERM/SIGINT handlers that shut down and exit. Default true; tests pass false. */
  handleSignals?: boolean;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, drains in-flight requests (bounded), runs the shutdown hooks. Idempotent. */
  close(): Promise<void>;
}

export async function serve(app: Express, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(app);
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const inFlight = trackResponses(server);
  let closing: Promise<void> | undefined;

  const close = (): Promise<void> => {
    closing ??= shutdown(server, inFlight, options).finally(() => removeSignalHandlers());
    return closing;
  };
  const removeSignalHandlers = options.handleSignals === false ? () => undefined : installSignalHandlers(close, options);

  options.logger.info('listening', { port, host: options.host ?? 'all interfaces' });
  return { server, port, close };
}

/**
 * Requests Node's HTTP parser refuses never reach Express (headers over 16 KB, a malformed request
 * line): Node would answer a bare 431/400. They get the same problem+json as every other refusal.
 */
function answerUnparsable(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new AppError('headers_too_large', 'the request headers are larger than the server accepts (16 KB)')
      : new AppError('bad_request', 'the request is not valid HTTP');
  const { status } = error;
  const body = JSON.stringify(problemOf(error, ''));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Responses not yet finished; while shutting down each one is told to close its keep-alive connection. */
function trackResponses(server: Server): Set<ServerResponse> {
  const active = new Set<ServerResponse>();
  server.on('request', (_req, res: ServerResponse) => {
    active.add(res);
    if (!server.listening && !res.headersSent) res.setHeader('Connection', 'close');
    res.once('close', () => active.delete(res));
  });
  return active;
}

async function shutdown(server: Server, inFlight: Set<ServerResponse>, options: ServeOptions): Promise<void> {
  const { logger } = options;
  logger.info('shutting down', { inFlight: inFlight.size });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
  server.closeIdleConnections();

  const drained = await waitUntil(() => inFlight.size === 0, options.shutdownTimeoutMs ?? 10_000);
  if (!drained) logger.warn('shutdown timeout: cutting in-flight requests', { inFlight: inFlight.size });
  server.closeAllConnections();
  await closed;

  for (const hook of options.onShutdown ?? []) {
    try {
      await hook();
    } catch (error) {
      logger.error('shutdown hook failed', { err: error });
    }
  }
  logger.info('shut down');
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

function installSignalHandlers(close: () => Promise<void>, options: ServeOptions): () => void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      options.logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    received = true;
    options.logger.info('signal received', { signal });
    // A hook that never settles must not keep a terminated process alive forever.
    setTimeout(() => process.exit(1), 2 * (options.shutdownTimeoutMs ?? 10_000)).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        options.logger.error('shutdown failed', { err: error });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  return () => {
    // Keep listening during a signal-driven shutdown so a second signal can still force the exit.
    if (received) return;
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
}
