export interface LoginOption {
  value: string;
  label: string;
}

export interface LoginPageModel {
  appName: string;
  hidden: Record<string, string>;
  people: LoginOption[];
  orgs?: LoginOption[];
  selectedOrg?: string;
  selectedPerson?: string | undefined;
  error?: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function options(items: LoginOption[], selected?: string): string {
  return items
    .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
    .join('');
}

function page(title: string, main: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
label{display:block;margin-top:1rem;font-weight:600}select,button{font-size:1rem;padding:.4rem;margin-top:.3rem}
button{margin-right:.5rem}.error{color:#a00000;border:1px solid #a00000;padding:.5rem}</style></head>
<body><main>${main}</main></body></html>`;
}

/** The simulated DingTalk consent page: plain HTML, keyboard and screen-reader friendly, no script. */
export function renderLoginPage(m: LoginPageModel): string {
  const hidden = Object.entries(m.hidden)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('');
  const orgPicker = m.orgs
    ? `<label for="corpId">Organisation</label><select id="corpId" name="corpId" required>${options(m.orgs, m.selectedOrg)}</select>`
    : '';
  const error = m.error ? `<p class="error" role="alert">${escapeHtml(m.error)}</p>` : '';
  return page(
    'DingTalk login (simulator)',
    `<h1>Log in to ${escapeHtml(m.appName)}</h1>
<p>DingTalk simulator: choose who is logging in. ${escapeHtml(m.appName)} will receive your DingTalk identity.</p>${error}
<form id="consent-form" method="post" action="/oauth2/consent">${hidden}
<label for="userid">Person</label><select id="userid" name="userid" required>${options(m.people, m.selectedPerson)}</select>${orgPicker}
<p><button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button></p>
</form>`,
  );
}

export function renderErrorPage(message: string): string {
  return page('DingTalk login error (simulator)', `<h1>Login error</h1><p class="error" role="alert">${escapeHtml(message)}</p>`);
}
