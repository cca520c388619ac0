export * from './directory';
export * from './messages';
export * from './events';
export * from './local-api';
