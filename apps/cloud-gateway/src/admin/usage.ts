export const USAGE = [
  'tenant create --name <n> --corp-id <corpId> [--mode internal|isv] [--app-key <k> --app-secret <s>] [--agent-id <n>] [--webhook-url <url>] [--return-url <url>]…',
  '  (also --id ten_x --api-key dtg_… --webhook-secret whsec_… to fix credentials instead of generating them)',
  'tenant ensure --id <ten_x> <same flags as create>   (creates once; a second run changes nothing)',
  'tenant list',
  'tenant show <tenantId>',
  'tenant update <tenantId> [--name] [--agent-id] [--webhook-url] [--return-url]… [--app-secret]',
  'tenant suspend <tenantId> | tenant activate <tenantId>',
  'tenant rotate-secret <tenantId>',
  'apikey create <tenantId> [--name <n>]',
  'apikey revoke <keyId>',
  'events replay --tenant <tenantId> --from-seq <n>',
  'deliveries list [--status pending|delivering|delivered|dead] [--tenant <tenantId>] [--limit <n>]',
];
