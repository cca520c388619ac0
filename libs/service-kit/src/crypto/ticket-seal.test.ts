import { randomBytes } from 'node:crypto';
import { openWithTicket, sealWithTicket } from './ticket-seal';

describe('sealing with a login ticket', () => {
  const ticket = randomBytes(32).toString('base64url');

  it('when sealed with a ticket, then that ticket opens it and the sealed form contains neither the value nor the ticket', () => {
    const sealed = sealWithTicket(ticket, 'dtgu_user-token');
    expect(sealed).not.toContain('user-token');
    expect(sealed).not.toContain(ticket);
    expect(openWithTicket(ticket, sealed)).toBe('dtgu_user-token');
    expect(sealWithTicket(ticket, 'x')).not.toBe(sealWithTicket(ticket, 'x'));
  });

  it('when another ticket or an altered value is used, then it does not open', () => {
    const sealed = sealWithTicket(ticket, 'dtgu_user-token');
    expect(() => openWithTicket(randomBytes(32).toString('base64url'), sealed)).toThrow();
    const [version, iv, tag] = sealed.split('.');
    expect(() => openWithTicket(ticket, [version, iv, tag, Buffer.from('forged').toString('base64url')].join('.'))).toThrow();
    expect(() => openWithTicket(ticket, 'plain-token')).toThrow('not a ticket-sealed value');
  });
});
