export * from './catalogue';
export * from './codec';
export * from './event-id';
export * from './personal-fields';
export * from './json-copy';
