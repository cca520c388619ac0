import type { SimClient } from './sim-client';

/** Uploads `bytes` as `filename` through /media/upload (multipart, field `media`) and answers DingTalk's body. */
export async function uploadMedia(sim: SimClient, token: string, type: string, filename: string, bytes: Buffer = Buffer.from('bytes')) {
  const form = new FormData();
  form.append('media', new Blob([bytes]), filename);
  const res = await fetch(`${sim.url}/media/upload?access_token=${token}&type=${type}`, { method: 'POST', body: form });
  return (await res.json()) as { errcode: number; media_id: string; type: string; created_at: number };
}
