import { invalidParam, missingParam } from '../core/sim-error';

export const MSG_TYPES = ['text', 'image', 'voice', 'file', 'link', 'oa', 'markdown', 'action_card'] as const;
export type MsgType = (typeof MSG_TYPES)[number];

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function requireString(body: Obj, field: string, where: string): string {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw missingParam(`${where}.${field}`);
  if (typeof v !== 'string') throw invalidParam(`${where}.${field}`, 'expected a string');
  return v;
}

function requireObject(body: Obj, field: string, where: string): Obj {
  const v = body[field];
  if (v === undefined || v === null) throw missingParam(`${where}.${field}`);
  if (!isObj(v)) throw invalidParam(`${where}.${field}`, 'expected an object');
  return v;
}

// Required fields per msgtype, dingtalk-api.md §4.2. Display-length advice is not enforced
// (DingTalk truncates on display); structure and required fields are.
const VALIDATORS: Record<MsgType, (body: Obj) => void> = {
  text: (b) => void requireString(b, 'content', 'text'),
  image: (b) => void requireString(b, 'media_id', 'image'),
  file: (b) => void requireString(b, 'media_id', 'file'),
  voice: (b) => {
    requireString(b, 'media_id', 'voice');
    const d = b['duration'];
    if (d !== undefined && !(/^\d+$/.test(String(d)) && Number(d) > 0 && Number(d) < 60)) throw invalidParam('voice.duration', 'integer seconds below 60');
  },
  link: (b) => ['messageUrl', 'picUrl', 'title', 'text'].forEach((f) => requireString(b, f, 'link')),
  markdown: (b) => ['title', 'text'].forEach((f) => requireString(b, f, 'markdown')),
  oa: (b) => {
    requireString(b, 'message_url', 'oa');
    const head = requireObject(b, 'head', 'oa');
    if (!/^[0-9A-Fa-f]{8}$/.test(requireString(head, 'bgcolor', 'oa.head'))) throw invalidParam('oa.head.bgcolor', '8 hex digits (ARGB)');
    requireString(head, 'text', 'oa.head');
    requireObject(b, 'body', 'oa');
  },
  action_card: (b) => {
    requireString(b, 'markdown', 'action_card');
    const single = b['single_title'] !== undefined || b['single_url'] !== undefined;
    const buttons = b['btn_json_list'] !== undefined;
    if (single && buttons) throw invalidParam('action_card', 'use single_title/single_url or btn_json_list, not both');
    if (single) ['single_title', 'single_url'].forEach((f) => requireString(b, f, 'action_card'));
    else if (buttons) validateButtons(b);
    else throw missingParam('action_card.single_title');
  },
};

function validateButtons(b: Obj): void {
  requireString(b, 'btn_orientation', 'action_card');
  const list = b['btn_json_list'];
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('action_card.btn_json_list', 'a non-empty array');
  list.forEach((btn, i) => {
    if (!isObj(btn)) throw invalidParam(`action_card.btn_json_list[${i}]`, 'expected an object');
    requireString(btn, 'title', `action_card.btn_json_list[${i}]`);
    requireString(btn, 'action_url', `action_card.btn_json_list[${i}]`);
  });
}

/**
 * Validates an asyncsend_v2 `msg`. `wireBytes` is the UTF-8 size as sent (the JSON string when the
 * caller sent a string, the compact serialisation when it sent an object).
 */
export function validateMsg(msg: Obj, wireBytes: number, maxBytes: number): MsgType {
  if (wireBytes > maxBytes) throw invalidParam('msg', `must not exceed ${maxBytes} bytes (got ${wireBytes})`);
  const type = msg['msgtype'];
  if (type === undefined || type === '') throw missingParam('msg.msgtype');
  if (typeof type !== 'string' || !(MSG_TYPES as readonly string[]).includes(type)) throw invalidParam('msg.msgtype', `one of ${MSG_TYPES.join(', ')}`);
  const msgtype = type as MsgType;
  VALIDATORS[msgtype](requireObject(msg, msgtype, 'msg'));
  return msgtype;
}
