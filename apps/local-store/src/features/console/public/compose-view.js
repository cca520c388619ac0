// Compose and send a work notification: POST /api/messages at the store (with an Idempotency-Key,
// reused when the same body is sent again), which records it and relays it to the cloud.
import { store } from './api.js';
import { ATTACHMENT_LIMITS, checkMessage, MESSAGE_TYPES, messageMaxBytes } from './compose-model.js';
import { announce, h, uid } from './dom.js';
import { channelLabel, formatNumber, messageTypeLabel } from './format.js';
import { t } from './i18n.js';
import { recipientsPicker } from './recipients-picker.js';
import { failure, pageHead } from './ui.js';

/** One input per field of the chosen type, wired to its label, hint and error. */
function fieldControl(field, value, onInput, onBlur) {
  const id = uid(`msg-${field.key}`);
  const hintId = field.hint ? `${id}-hint` : undefined;
  const errorId = `${id}-error`;
  const attrs = {
    id,
    name: field.key,
    class: 'input',
    value,
    'aria-required': field.required ? 'true' : undefined,
    'aria-describedby': [hintId, errorId].filter(Boolean).join(' '),
    on: { input: onInput, blur: onBlur },
  };
  const control = field.multiline
    ? h('textarea', { ...attrs, rows: 5 })
    : h('input', { ...attrs, type: field.url ? 'url' : 'text', inputmode: field.url ? 'url' : undefined });
  const error = h('p', { id: errorId, class: 'field-error' });
  const label = h('label', { for: id }, t(field.label), field.required ? undefined : h('span', { class: 'muted' }, ' ', t('common.optional')));
  const element = h('div', { class: 'field' }, label, control, field.hint ? h('p', { id: hintId, class: 'hint' }, t(field.hint)) : undefined, error);
  return fieldOf(element, control, error);
}

/** A form field: its element, its control, and where its error shows (marking the control invalid). */
function fieldOf(element, control, error) {
  return {
    element,
    control,
    showError(message) {
      error.textContent = message ?? '';
      if (message) control.setAttribute('aria-invalid', 'true');
      else control.removeAttribute('aria-invalid');
    },
  };
}

/** The file picker of an image or file message; the browser offers only the extensions DingTalk takes. */
function attachmentControl(kind, onChange) {
  const id = uid(`attachment-${kind}`);
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const limits = ATTACHMENT_LIMITS[kind];
  const control = h('input', {
    id,
    name: 'attachment',
    type: 'file',
    class: 'input',
    accept: limits.extensions.map((e) => `.${e}`).join(','),
    'aria-required': 'true',
    'aria-describedby': `${hintId} ${errorId}`,
    on: { change: onChange },
  });
  const error = h('p', { id: errorId, class: 'field-error' });
  const hint = t(`hint.attachment.${kind}`, { types: limits.extensions.join(', '), max: formatNumber(limits.maxBytes / 1024 / 1024) });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, t(`field.attachment.${kind}`)),
    control,
    h('p', { id: hintId, class: 'hint' }, hint),
    error,
  );
  return fieldOf(element, control, error);
}

export function renderCompose(root, ctx) {
  const values = Object.fromEntries(Object.keys(MESSAGE_TYPES).map((type) => [type, {}]));
  const touched = new Set();
  let type = 'text';
  let attempted = false;
  let controls = {};
  /** The Idempotency-Key of the last attempt and the body it was for: a retry of the same body reuses it. */
  let lastAttempt;

  const typeId = uid('msgtype');
  const typeSelect = h(
    'select',
    { id: typeId, class: 'input', on: { change: () => switchType(typeSelect.value) } },
    Object.keys(MESSAGE_TYPES).map((value) => h('option', { value }, messageTypeLabel(value))),
  );
  // Every type the console composes has a robot template, so the channel never limits the type.
  const channelId = uid('channel');
  const channelSelect = h(
    'select',
    { id: channelId, name: 'channel', class: 'input', 'aria-describedby': `${channelId}-hint` },
    ['work_notification', 'robot'].map((value) => h('option', { value }, channelLabel(value))),
  );
  const fieldsBox = h('div', { class: 'fields' });
  const sizeId = uid('size');
  const maxBytes = messageMaxBytes();
  const meter = h('meter', {
    id: sizeId,
    min: '0',
    max: String(maxBytes),
    low: String(maxBytes * 0.8),
    high: String(maxBytes * 0.95),
    optimum: '0',
    value: '0',
  });
  const sizeText = h('span', { class: 'size-text' });
  const sizeError = h('p', { class: 'field-error', role: 'alert' });
  const formError = h('div', { class: 'form-error' });
  const submit = h('button', { type: 'submit', class: 'button primary' }, t('compose.send'));
  const picker = recipientsPicker(ctx, () => {
    if (attempted && picker.isEmpty()) picker.setError(t('compose.noRecipients'));
  });

  function refresh() {
    const check = checkMessage(type, values[type]);
    meter.value = check.bytes;
    sizeText.textContent = t('compose.size', { bytes: formatNumber(check.bytes), max: formatNumber(maxBytes) });
    sizeError.textContent = check.sizeError ?? '';
    for (const [key, control] of Object.entries(controls)) {
      const error = check.errors[key];
      // Say "required" only once the user left the field (or tried to send); a broken limit at once.
      const show = attempted || touched.has(key) || (error !== undefined && !error.missing);
      control.showError(show ? error?.text : undefined);
    }
    return check;
  }

  function switchType(next) {
    type = next;
    touched.clear();
    controls = {};
    const kind = MESSAGE_TYPES[type].attachment;
    if (kind) {
      // A file input cannot be given a value back: switching types forgets the chosen file.
      values[type] = {};
      const control = attachmentControl(kind, (event) => {
        values[type] = { file: event.target.files?.[0] };
        touched.add('attachment');
        refresh();
      });
      controls = { attachment: control };
      fieldsBox.replaceChildren(control.element);
      refresh();
      return;
    }
    fieldsBox.replaceChildren(
      ...MESSAGE_TYPES[type].fields.map((field) => {
        const control = fieldControl(
          field,
          values[type][field.key] ?? '',
          (event) => {
            values[type][field.key] = event.target.value;
            refresh();
          },
          () => {
            touched.add(field.key);
            refresh();
          },
        );
        controls[field.key] = control;
        return control.element;
      }),
    );
    refresh();
  }

  /** Puts the 400 field errors next to their fields; returns the ones that have no field. */
  function showServerErrors(errors) {
    const unplaced = [];
    for (const { path, message } of errors) {
      const key = path.startsWith(`body.msg.${type}.`) ? path.slice(`body.msg.${type}.`.length).split('.')[0] : undefined;
      if (key && controls[key]) controls[key].showError(message);
      else if (path.startsWith('body.recipients')) picker.setError(message);
      else if (path === 'body.msg') {
        sizeError.textContent = message;
      } else unplaced.push(`${path.replace(/^body\.?/, '') || t('compose.wholeMessage')}: ${message}`);
    }
    return unplaced;
  }

  /**
   * Uploads the chosen file once (a retry of the send reuses its media id) → true when the message
   * can go. The store checks the same limits again and relays the file to the cloud.
   */
  async function uploadAttachment() {
    const current = values[type];
    if (current.mediaId && current.uploadedFile === current.file) return true;
    submit.disabled = true;
    submit.textContent = t('compose.uploading');
    try {
      const uploaded = await store.upload(`/api/media?type=${encodeURIComponent(type)}&filename=${encodeURIComponent(current.file.name)}`, current.file);
      values[type] = { ...current, mediaId: uploaded.mediaId, uploadedFile: current.file };
      return true;
    } catch (error) {
      submit.disabled = false;
      submit.textContent = t('compose.send');
      const message = error.status === 413 || error.status === 415 ? attachmentRefusal(error) : undefined;
      if (message) controls.attachment?.showError(message);
      fail(t('compose.uploadFailed'), ' ', ...(message ? [message] : failure(ctx, error)));
      return false;
    }
  }

  /** The server's 413/415 for the file, said in the person's language. */
  function attachmentRefusal(error) {
    const limits = ATTACHMENT_LIMITS[MESSAGE_TYPES[type].attachment];
    if (error.status === 413) return t('compose.attachmentTooBigServer', { max: formatNumber(limits.maxBytes / 1024 / 1024) });
    return t('compose.attachmentType', { types: limits.extensions.map((e) => `.${e}`).join(', ') });
  }

  function fail(...content) {
    formError.replaceChildren(h('div', { class: 'notice error', role: 'alert' }, ...content));
  }

  async function send(event) {
    event.preventDefault();
    attempted = true;
    formError.replaceChildren();
    const check = refresh();
    const fieldErrors = Object.keys(check.errors);
    if (picker.isEmpty()) picker.setError(t('compose.noRecipients'));
    if (picker.isEmpty() || fieldErrors.length > 0 || check.sizeError) {
      const count = fieldErrors.length + (picker.isEmpty() ? 1 : 0) + (check.sizeError ? 1 : 0);
      fail(t('compose.fixProblems', { count }));
      if (picker.isEmpty()) picker.focus();
      else (controls[fieldErrors[0]]?.control ?? typeSelect).focus();
      return;
    }
    if (MESSAGE_TYPES[type].attachment && !(await uploadAttachment())) return;
    // A work notification's body stays as before channels existed: the channel only when it is the robot.
    const channel = channelSelect.value === 'robot' ? { channel: 'robot' } : {};
    const body = JSON.stringify({ recipients: picker.value(), msg: checkMessage(type, values[type]).msg, ...channel });
    const key = lastAttempt?.body === body ? lastAttempt.key : crypto.randomUUID();
    lastAttempt = { body, key };
    submit.disabled = true;
    submit.textContent = t('compose.sending');
    try {
      const accepted = await store.post('/api/messages', JSON.parse(body), { 'Idempotency-Key': key });
      announce(t('compose.accepted'));
      ctx.navigate(`#/messages/${encodeURIComponent(accepted.id)}`);
    } catch (error) {
      submit.disabled = false;
      submit.textContent = t('compose.send');
      if (error.status === 400 && error.fieldErrors.length > 0) {
        const unplaced = showServerErrors(error.fieldErrors);
        fail(
          t('compose.refused'),
          ' ',
          error.problem?.detail ?? '',
          unplaced.length > 0
            ? h(
                'ul',
                {},
                unplaced.map((line) => h('li', {}, line)),
              )
            : undefined,
        );
      } else if (error.status === 403) {
        // The cloud names what is missing (a member's limits, or sending closed to members).
        fail(t('compose.forbidden', { reason: error.message }));
      } else {
        fail(...failure(ctx, error));
      }
    }
  }

  root.append(
    pageHead(t('title.compose'), t('compose.lede')),
    h(
      'form',
      { class: 'compose', novalidate: true, on: { submit: send } },
      picker.element,
      h(
        'fieldset',
        { class: 'card' },
        h('legend', {}, t('compose.message')),
        h(
          'div',
          { class: 'field' },
          h('label', { for: channelId }, t('compose.channel')),
          channelSelect,
          h('p', { id: `${channelId}-hint`, class: 'hint' }, t('hint.channel')),
        ),
        h('div', { class: 'field' }, h('label', { for: typeId }, t('compose.type')), typeSelect),
        fieldsBox,
        h('div', { class: 'size' }, h('label', { for: sizeId }, t('compose.sizeLabel')), meter, sizeText),
        sizeError,
      ),
      formError,
      h('div', { class: 'form-actions' }, submit, h('a', { href: '#/messages', class: 'button quiet' }, t('common.cancel'))),
    ),
  );
  switchType(type);
  picker.load();
}
