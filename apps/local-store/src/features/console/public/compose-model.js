// The work-notification types the console composes, with DingTalk's rules for them (the cloud
// checks the same rules; checking here as the user types saves a round trip and a lost draft).
// The numbers — each field's length limit and the byte cap on the whole msg — are not written
// here: the store serves them in GET /api/config, read from the schemas the cloud enforces.
import { formatNumber, t } from './i18n.js';

/** { maxBytes, maxLength: { [msgtype]: { [key]: characters } } } from /api/config (see setMessageLimits). */
let limits = { maxBytes: Infinity, maxLength: {} };

/** Called once at start with config.messageLimits. */
export function setMessageLimits(next) {
  limits = next;
}

/** DingTalk refuses a msg whose JSON is longer than this many UTF-8 bytes. */
export const messageMaxBytes = () => limits.maxBytes;

/**
 * Fields per msgtype: `key` is DingTalk's field name, `label` and `hint` catalog keys, `url` asks
 * for an absolute URL. Action cards use the single-button form.
 */
export const MESSAGE_TYPES = {
  text: {
    fields: [{ key: 'content', label: 'field.content', multiline: true, required: true }],
  },
  markdown: {
    fields: [
      { key: 'title', label: 'field.title', required: true, hint: 'hint.conversationTitle' },
      { key: 'text', label: 'field.text', multiline: true, required: true, hint: 'hint.markdownSyntax' },
    ],
  },
  link: {
    fields: [
      { key: 'title', label: 'field.title', required: true },
      { key: 'text', label: 'field.text', multiline: true, required: true },
      { key: 'messageUrl', label: 'field.messageUrl', required: true, url: true, hint: 'hint.linkUrl' },
      { key: 'picUrl', label: 'field.picUrl', required: true, hint: 'hint.picUrl' },
    ],
  },
  // Attachments: the file is uploaded through the store (POST /api/media) when sending, and the
  // media id it gets goes into the message.
  image: { fields: [], attachment: 'image' },
  file: { fields: [], attachment: 'file' },
  action_card: {
    fields: [
      { key: 'title', label: 'field.title' },
      { key: 'markdown', label: 'field.text', multiline: true, required: true, hint: 'hint.markdown' },
      { key: 'single_title', label: 'field.single_title', required: true },
      { key: 'single_url', label: 'field.single_url', required: true, url: true },
    ],
  },
};

/**
 * DingTalk's limits for attachments, as @dtg/contracts MEDIA_LIMITS states them (the store and the
 * cloud check the same again): checked here so a refused file costs no upload.
 */
export const ATTACHMENT_LIMITS = {
  image: { maxBytes: 20 * 1024 * 1024, extensions: ['jpg', 'jpeg', 'gif', 'png', 'bmp'] },
  file: { maxBytes: 20 * 1024 * 1024, extensions: ['doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'zip', 'pdf', 'rar'] },
};

const extensionOf = (name) => (name.includes('.') ? name.split('.').pop().toLowerCase() : '');

/** → { text, missing } or undefined for the chosen file (a File, or undefined when none is chosen). */
export function attachmentError(kind, file) {
  if (!file) return { text: t('compose.noAttachment'), missing: true };
  const limits = ATTACHMENT_LIMITS[kind];
  if (!limits.extensions.includes(extensionOf(file.name))) {
    return { text: t('compose.attachmentType', { types: limits.extensions.map((e) => `.${e}`).join(', ') }), missing: false };
  }
  if (file.size > limits.maxBytes) {
    return {
      text: t('compose.attachmentTooBig', { size: formatNumber(Math.ceil(file.size / 1024 / 1024)), max: formatNumber(limits.maxBytes / 1024 / 1024) }),
      missing: false,
    };
  }
  return undefined;
}

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

/** → { text, missing } or undefined; `missing` marks "required" (shown only once the field was left). */
function fieldError(type, field, value) {
  const name = t(field.label);
  if (value.trim() === '') return field.required ? { text: t('compose.required', { field: name }), missing: true } : undefined;
  const max = limits.maxLength[type]?.[field.key];
  if (max !== undefined && value.length > max) return { text: t('compose.tooLong', { field: name, length: value.length, max }), missing: false };
  if (field.url && !isAbsoluteUrl(value.trim())) return { text: t('compose.notUrl', { field: name }), missing: false };
  return undefined;
}

/**
 * → { msg, bytes, sizeError, errors: { [key]: { text, missing } } }. For an attachment the msg
 * carries `values.mediaId` (set once the file is uploaded) and the error is under `attachment`.
 */
export function checkMessage(type, values) {
  const kind = MESSAGE_TYPES[type].attachment;
  if (kind) {
    const error = attachmentError(kind, values.file);
    const msg = { msgtype: type, [type]: { media_id: values.mediaId ?? '' } };
    return { msg, bytes: utf8Bytes(JSON.stringify(msg)), sizeError: undefined, errors: error ? { attachment: error } : {} };
  }
  const errors = {};
  for (const field of MESSAGE_TYPES[type].fields) {
    const error = fieldError(type, field, values[field.key] ?? '');
    if (error) errors[field.key] = error;
  }
  const msg = buildMsg(type, values);
  const bytes = utf8Bytes(JSON.stringify(msg));
  const maxBytes = messageMaxBytes();
  const sizeError = bytes > maxBytes ? t('compose.tooBig', { bytes: formatNumber(bytes), max: formatNumber(maxBytes) }) : undefined;
  return { msg, bytes, sizeError, errors };
}
