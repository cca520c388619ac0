// userid → name for showing recipients, read from the local directory (at most MAX_PAGES pages).
import { store } from './api.js';

const PAGE = 200;
const MAX_PAGES = 10;

let cached;

async function load() {
  const names = new Map();
  let cursor;
  for (let pages = 0; pages < MAX_PAGES; pages += 1) {
    const params = new URLSearchParams({ limit: String(PAGE), includeInactive: 'true' });
    if (cursor) params.set('cursor', cursor);
    const page = await store.get(`/api/users?${params}`);
    for (const user of page.items) names.set(user.userid, user.name);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return names;
}

/** The names, loaded once per page view; `reload` reads them again (after a sync, or for new people). */
export function peopleNames(reload = false) {
  if (reload || !cached) {
    cached = load();
    // A failed read must not be remembered.
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}
