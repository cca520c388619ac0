// Reading the simulator's request log the same way in every benchmark: which requests were token
// fetches, and which DingTalk answered with its QPS limit (90018 / QpsLimit).
import type { RequestLogEntry } from '@dtg/dingtalk-sim';

/** The token endpoints of every app kind (old /gettoken, new accessToken, ISV corp tokens). */
export const TOKEN_PATHS = /^\/(gettoken|v1\.0\/oauth2\/(accessToken|[^/]+\/token))$/;

export const throttled = (e: RequestLogEntry) => e.errcode === 90018 || /90018|QpsLimit/.test(e.code ?? '');
