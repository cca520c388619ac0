import { waitFor } from '@dtg/testkit';
import { newId } from './ids';

describe('newId', () => {
  it('is the prefix, 9 base-36 clock characters and 16 URL-safe random characters', () => {
    expect(newId('msg')).toMatch(/^msg_[0-9a-z]{9}[A-Za-z0-9_-]{16}$/);
  });

  it('sorts by creation time, and never repeats (the random pool refills without reuse)', async () => {
    const first = Array.from({ length: 2_000 }, () => newId('evt'));
    const lastMs = Date.now();
    await waitFor(() => Date.now() > lastMs, 'the next millisecond');
    const later = newId('evt');
    expect(first.every((id) => id < later)).toBe(true);
    expect(new Set(first).size).toBe(first.length);
    expect(new Set(first.map((id) => id.slice(13))).size).toBe(first.length);
  });
});
