// DingTalk counts its days and months (per-user message caps, the monthly API quota) in China
// time: Asia/Shanghai, UTC+8 all year, no DST.
export const CHINA_OFFSET_MS = 8 * 3_600_000;

/** DingTalk's day: `2026-12-06`. */
export function shanghaiDay(epochMs: number): string {
  return new Date(epochMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** DingTalk's month: `2026-12`. */
export function shanghaiMonth(epochMs: number): string {
  return shanghaiDay(epochMs).slice(0, 7);
}
