export * from './catalogue';
export * from './codec';
export * from './event-id';
