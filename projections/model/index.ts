export * from './identity';
export * from './graph';
