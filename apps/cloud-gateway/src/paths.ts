import path from 'node:path';

/** apps/cloud-gateway: the same whether this runs from src/ (tsx) or the bundle in dist/. */
export const APP_ROOT = path.resolve(__dirname, '..');
