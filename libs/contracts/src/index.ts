export * from './directory';
export * from './messages';
export * from './events';
