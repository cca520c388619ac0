export * from './directory';
export * from './messages';
export * from './work-notification';
export * from './send-message';
export * from './events';
export * from './local-api';
export * from './store-access';
export * from './store-changes';
