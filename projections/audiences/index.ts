export * from './validate-condition';
export * from './compile-event';
export * from './condition-reads';
export * from './definitions';
export * from './dependency-index';
export * from './evaluate';
export * from './membership';
export * from './explain';
