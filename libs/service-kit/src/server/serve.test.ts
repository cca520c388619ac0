import { spawn } from 'node:child_process';
import http from 'node:http';
import { connect } from 'node:net';
import path from 'node:path';
import express from 'express';
import { captureLogs } from '../testing/log-capture';
import { serve } from './serve';

/** `arrived` resolves once the server holds the request, so a test closes while it is truly in flight. */
function slowApp(delayMs: number) {
  const app = express();
  let markArrived: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => (markArrived = resolve));
  app.get('/slow', (_req, res) => {
    markArrived();
    const timer = setTimeout(() => res.json({ done: true }), delayMs);
    res.on('close', () => clearTimeout(timer));
  });
  return Object.assign(app, { arrived });
}

// A keep-alive agent, like a real client or proxy, so idle connections must be closed on purpose.
function get(port: number, agent: http.Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/slow', agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('serve', () => {
  it('when closed during a request, then it waits for it, refuses new connections, then runs hooks in order', async () => {
    const { logger } = captureLogs();
    const events: string[] = [];
    const app = slowApp(300);
    const running = await serve(app, {
      port: 0,
      host: '127.0.0.1',
      logger,
      handleSignals: false,
      onShutdown: [async () => void events.push('workers stopped'), async () => void events.push('db disconnected')],
    });
    const agent = new http.Agent({ keepAlive: true });
    const inFlight = get(running.port, agent).then((res) => {
      events.push('response');
      return res;
    });
    await app.arrived;
    const closed = running.close().then(() => events.push('closed'));

    await expect(inFlight).resolves.toEqual({ status: 200, body: '{"done":true}' });
    await closed;
    expect(events).toEqual(['response', 'workers stopped', 'db disconnected', 'closed']);
    await expect(get(running.port, new http.Agent())).rejects.toThrow(/ECONNREFUSED/);
    agent.destroy();
  });

  it('when a request outlives shutdownTimeoutMs, then its connection is cut and hooks still run', async () => {
    const { logger, lines } = captureLogs();
    let hookRan = false;
    const app = slowApp(5_000);
    const running = await serve(app, {
      port: 0,
      host: '127.0.0.1',
      logger,
      handleSignals: false,
      shutdownTimeoutMs: 100,
      onShutdown: [async () => void (hookRan = true)],
    });
    const inFlight = get(running.port, new http.Agent());
    await app.arrived;
    await running.close();
    // Cut, not waited for: the handler would answer after 5 s.
    await expect(inFlight).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(hookRan).toBe(true);
    expect(lines().some((line) => line.message === 'shutdown timeout: cutting in-flight requests')).toBe(true);
  });

  it('when a shutdown hook fails, then it is logged and later hooks still run; close() is idempotent', async () => {
    const { logger, lines } = captureLogs();
    const ran: string[] = [];
    const running = await serve(slowApp(1), {
      port: 0,
      logger,
      handleSignals: false,
      onShutdown: [
        async () => {
          throw new Error('worker refused to stop');
        },
        async () => void ran.push('db'),
      ],
    });
    await Promise.all([running.close(), running.close()]);
    expect(ran).toEqual(['db']);
    expect(lines().filter((line) => line.message === 'shutdown hook failed')).toHaveLength(1);
  });

  it('when Node refuses a request before Express (oversized headers, broken HTTP), then the answer is problem+json too', async () => {
    const app = express();
    app.get('/x', (_req, res) => res.json({ ok: true }));
    const running = await serve(app, { port: 0, host: '127.0.0.1', logger: captureLogs().logger, handleSignals: false });
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(running.port, '127.0.0.1', () => socket.end(request));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', reject);
      });
    try {
      const big = await raw(`GET /x HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      expect(big).toMatch(/^HTTP\/1.1 431 /);
      expect(big).toContain('Content-Type: application/problem+json');
      expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 431, code: 'headers_too_large' });
      const broken = await raw('NOT HTTP AT ALL\r\n\r\n');
      expect(broken).toMatch(/^HTTP\/1.1 400 /);
      expect(JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 400, code: 'bad_request' });
    } finally {
      await running.close();
    }
  });

  it('when the port is taken, then serve rejects', async () => {
    const { logger } = captureLogs();
    const first = await serve(slowApp(1), { port: 0, host: '127.0.0.1', logger, handleSignals: false });
    await expect(serve(slowApp(1), { port: first.port, host: '127.0.0.1', logger, handleSignals: false })).rejects.toThrow(/EADDRINUSE/);
    await first.close();
  });

  it('on SIGTERM, then the process drains, runs hooks and exits 0', async () => {
    const entry = path.join(__dirname, '..', 'index.ts');
    const script = `
      const express = require('express');
      const kit = require(${JSON.stringify(entry)});
      const logger = kit.createLogger({ service: 'sig', version: '0', silent: true });
      kit.serve(express(), { port: 0, host: '127.0.0.1', logger, onShutdown: [async () => console.log('hook ran')] })
        .then(() => console.log('ready'));
    `;
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('ready')) child.kill('SIGTERM');
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toContain('hook ran');
  });
});
