// DOM building. Every node is made with the DOM API and strings only ever become text, never
// markup (the page's CSP backs this up: Trusted Types forbid HTML-parsing sinks).

/**
 * h('button', { class: 'button', type: 'button', on: { click } }, 'Send') → a new element.
 * Attributes: true → present, false/null/undefined → absent; `value` and `checked` are set as
 * properties (what the user sees), everything else as attributes.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [type, listener] of Object.entries(value)) element.addEventListener(type, listener);
    else if (key === 'value' || key === 'checked') element[key] = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

/** Appends children, skipping empty ones; nested arrays are flattened. */
function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

let nextId = 0;
/** A document-unique id for label/aria wiring. */
export const uid = (prefix) => `${prefix}-${++nextId}`;

/** Says `message` through the page's polite live region (re-announces a repeated message too). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  region.textContent = '';
  setTimeout(() => {
    region.textContent = message;
  }, 60);
}

/** A notice box: kind is info | success | warning | error. Errors are alerts; the rest are plain. */
export function notice(kind, ...content) {
  return h('div', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : undefined }, ...content);
}

/**
 * Replaces the content of a live status element; `kind` styles it. The element itself stays in the
 * page (empty, it takes no room): a live region must exist before its content changes to be heard.
 */
export function setStatus(element, kind, ...content) {
  element.className = `status ${kind}`;
  element.replaceChildren();
  append(element, content);
}

/** Calls fn after `ms` of quiet (typing in a search box). */
export function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

/**
 * Runs `tick` now and again `intervalMs` after each run ends (never two at once) until the
 * returned stop function is called or `tick` resolves to false.
 */
export function poll(tick, intervalMs) {
  let stopped = false;
  let timer;
  const run = async () => {
    let again = true;
    try {
      again = (await tick()) !== false;
    } catch (error) {
      // A tick is expected to handle its own failures; anything else is a bug worth a console report.
      reportError(error);
    }
    if (again && !stopped) timer = setTimeout(run, intervalMs);
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
