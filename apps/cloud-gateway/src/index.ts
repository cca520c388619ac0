// What workspace tooling may read from the cloud without starting it: the config and credential
// schemas (the compose and docs checks hold them against the files) and how a Stream event's id
// becomes its outbox event id (the Stream benchmark follows its events by it). Nothing here runs.
export { CloudConfigSchema } from './config';
export { ProvidedCredentialsSchema } from './features/tenants/tenant';
export { derivedEventId } from './features/callbacks/callback-effect';
export { streamEventKey } from './features/callbacks/callback-payload';
