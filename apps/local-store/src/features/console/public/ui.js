// Small pieces shared by the views: page headings, badges, and what to say when the cloud token is
// missing or refused.
import { h } from './dom.js';
import { forgetCloudToken, loginHref } from './session.js';

/** The view's heading block; the h1 takes focus after navigation so screen readers announce it. */
export function pageHead(title, lede, ...actions) {
  return h(
    'div',
    { class: 'page-head' },
    h('div', {}, h('h1', { tabindex: '-1' }, title), lede ? h('p', { class: 'lede' }, lede) : undefined),
    actions.length > 0 ? h('div', { class: 'page-actions' }, actions) : undefined,
  );
}

/** [label, tone] → a coloured status badge. */
export const badge = ([label, tone]) => h('span', { class: `badge ${tone}` }, label);

const signInAgain = (ctx) => h('a', { href: loginHref(ctx.config) }, 'Sign in again');

/** Content for "this needs the cloud token, and this tab has none (or it expired)". */
export function noCloudToken(ctx, action) {
  return [`To ${action}, sign in again: the cloud gateway’s token is short-lived and kept only in the tab you signed in with. `, signInAgain(ctx), '.'];
}

/** Content describing a failed cloud call; a refused token is forgotten so the next try asks for a new one. */
export function cloudFailure(ctx, error, action) {
  if (error.status === 401) {
    forgetCloudToken();
    return [`Your sign-in to the cloud gateway has expired, so you cannot ${action} right now. `, signInAgain(ctx), '.'];
  }
  return [error.message];
}
