import { runWithContext, setContextValue } from '../context/request-context';
import { captureLogs } from '../testing/log-capture';

describe('createLogger', () => {
  it('writes JSON lines with service, version, level and timestamp', () => {
    const { logger, lines } = captureLogs();
    logger.info('hello', { answer: 42 });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 'info', message: 'hello', answer: 42, service: 'test-service', version: '1.2.3', timestamp: expect.any(String) }),
    ]);
  });

  it('drops a line below the level before formatting it (redaction and JSON cost nothing)', () => {
    const { logger, lines } = captureLogs('warn');
    let formatted = 0;
    const field = { toJSON: () => ++formatted };
    logger.info('quiet', { field });
    logger.debug('quieter', { field });
    logger.warn('loud', { n: 1 });
    expect(formatted).toBe(0);
    expect(lines().map((l) => l.message)).toEqual(['loud']);
    logger.level = 'info';
    logger.info('now heard', { field });
    expect(lines().map((l) => l.message)).toEqual(['loud', 'now heard']);
  });

  it('when inside a context, then every line carries the request id and tenant', () => {
    const { logger, lines } = captureLogs();
    runWithContext({ requestId: 'req-1' }, () => {
      logger.info('before tenant');
      setContextValue('tenantId', 'tenant-a');
      logger.warn('after tenant');
    });
    logger.info('outside');
    const [before, after, outside] = lines();
    expect(before).toMatchObject({ requestId: 'req-1' });
    expect(before).not.toHaveProperty('tenantId');
    expect(after).toMatchObject({ requestId: 'req-1', tenantId: 'tenant-a' });
    expect(outside).not.toHaveProperty('requestId');
  });

  it('redacts secret keys and secret-looking text in the message and metadata', () => {
    const { logger, lines } = captureLogs();
    logger.info('sending with Bearer abc.def', { headers: { authorization: 'Bearer abc.def' }, items: [{ token: 't' }] });
    const [line] = lines();
    expect(line).toMatchObject({
      message: 'sending with Bearer [REDACTED]',
      headers: { authorization: '[REDACTED]' },
      items: [{ token: '[REDACTED]' }],
    });
    expect(JSON.stringify(line)).not.toContain('abc.def');
  });

  it('logs errors passed as metadata with their stack', () => {
    const { logger, lines } = captureLogs();
    logger.error('boom', { err: new Error('kaput') });
    expect(lines()[0]).toMatchObject({ level: 'error', err: { message: 'kaput', stack: expect.stringContaining('Error: kaput') } });
  });

  it('when silent, then nothing is written', () => {
    const { logger, lines } = captureLogs();
    logger.silent = true;
    logger.error('hidden');
    expect(lines()).toEqual([]);
  });
});
