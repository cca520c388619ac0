// The work-notification types the console composes, with DingTalk's rules for them (the cloud
// checks the same rules; checking here as the user types saves a round trip and a lost draft).

/** DingTalk refuses a msg whose JSON is longer than this many UTF-8 bytes. */
export const MSG_MAX_BYTES = 2048;

/**
 * Fields per msgtype: `key` is DingTalk's field name, `max` a length limit in characters, `url`
 * asks for an absolute URL. Action cards use the single-button form.
 */
export const MESSAGE_TYPES = {
  text: {
    label: 'Text',
    fields: [{ key: 'content', label: 'Content', multiline: true, required: true }],
  },
  markdown: {
    label: 'Markdown',
    fields: [
      { key: 'title', label: 'Title', required: true, hint: 'Shown in the conversation list.' },
      { key: 'text', label: 'Text', multiline: true, required: true, max: 5000, hint: 'Markdown: # headings, **bold**, [links](https://…), lists.' },
    ],
  },
  link: {
    label: 'Link',
    fields: [
      { key: 'title', label: 'Title', required: true, max: 100 },
      { key: 'text', label: 'Text', multiline: true, required: true, max: 500 },
      { key: 'messageUrl', label: 'Link URL', required: true, url: true, hint: 'Opened when the card is tapped.' },
      { key: 'picUrl', label: 'Picture', required: true, hint: 'An image URL, or a DingTalk media id (@lA…).' },
    ],
  },
  action_card: {
    label: 'Action card',
    fields: [
      { key: 'title', label: 'Title', max: 64 },
      { key: 'markdown', label: 'Text', multiline: true, required: true, max: 1000, hint: 'Markdown.' },
      { key: 'single_title', label: 'Button label', required: true, max: 20 },
      { key: 'single_url', label: 'Button URL', required: true, max: 500, url: true },
    ],
  },
};

const encoder = new TextEncoder();
const utf8Bytes = (text) => encoder.encode(text).length;

const isAbsoluteUrl = (text) => /^[a-z][a-z0-9+.-]*:\S+$/i.test(text) && URL.canParse(text);

/** The `msg` DingTalk receives: empty optional fields are left out. */
function buildMsg(type, values) {
  const body = {};
  for (const field of MESSAGE_TYPES[type].fields) {
    const value = values[field.key] ?? '';
    if (value.trim() !== '') body[field.key] = value;
  }
  return { msgtype: type, [type]: body };
}

function fieldError(field, value) {
  if (value.trim() === '') return field.required ? `${field.label} is required.` : undefined;
  if (field.max !== undefined && value.length > field.max) return `${field.label} is ${value.length} characters; the limit is ${field.max}.`;
  if (field.url && !isAbsoluteUrl(value.trim())) return `${field.label} must be a full URL, such as https://example.com/page.`;
  return undefined;
}

/** → { msg, bytes, sizeError, errors: { [key]: message } } */
export function checkMessage(type, values) {
  const errors = {};
  for (const field of MESSAGE_TYPES[type].fields) {
    const error = fieldError(field, values[field.key] ?? '');
    if (error) errors[field.key] = error;
  }
  const msg = buildMsg(type, values);
  const bytes = utf8Bytes(JSON.stringify(msg));
  const sizeError = bytes > MSG_MAX_BYTES ? `The message is ${bytes.toLocaleString()} bytes; DingTalk accepts at most ${MSG_MAX_BYTES.toLocaleString()}. Shorten it.` : undefined;
  return { msg, bytes, sizeError, errors };
}
