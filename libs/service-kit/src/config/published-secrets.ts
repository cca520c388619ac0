// Values that were published in this repository as defaults (docker-compose.yml's fallbacks until
// they were removed): anyone who has read it knows them, so no service accepts one as a secret,
// and neither does it accept a placeholder someone forgot to replace ("change-me…").
const PUBLISHED = new Set([
  'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
  'change-me-admin-token-0123456789',
  'change-me-user-token-secret-0123456789abcdef',
  'dtg_demo_compose_api_key_0123456789abcdef',
  'whsec_ZGVtby1jb21wb3NlLXdlYmhvb2stc2VjcmV0LTAxMjM0NTY3',
  'local-store-demo-password',
]);
const PLACEHOLDER = /change[-_ ]?me/i;

export const PUBLISHED_SECRET_MESSAGE = 'is a value published in this repository or a placeholder: generate your own (README, Docker)';

export function isPublishedSecret(value: string): boolean {
  return PUBLISHED.has(value.trim()) || PLACEHOLDER.test(value);
}
