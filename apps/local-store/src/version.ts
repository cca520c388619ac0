import packageJson from '../package.json';

export const SERVICE_NAME = 'local-store';
export const VERSION: string = packageJson.version;
