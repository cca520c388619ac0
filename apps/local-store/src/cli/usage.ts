export const USAGE = [
  'token create --name <name> --scopes <scope,scope…> [--expires-at <ISO time> | --expires-in <30d|12h|…>]',
  '  scopes: directory:read, messages:send, messages:read, subscriptions:manage. Prints the secret once.',
  'token list',
  'token revoke <tokenId>',
  'subscription create --url <http(s) URL> --types <user.*,message.*,…> [--description <text>]   (prints the signing secret once)',
  'subscription list',
  'subscription pause <subscriptionId> | subscription resume <subscriptionId>',
  'subscription replay <subscriptionId> --from-seq <n>',
  'subscription deliveries <subscriptionId> [--status pending|delivering|delivered|dead]',
  'Database: DATABASE_URL, else the embedded Postgres of `npm start` (running or not). TENANT_ID only for a store that has received nothing yet.',
];
