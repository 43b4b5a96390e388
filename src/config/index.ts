export * from './config';
export * from './load-config';
export * from './config.module';
export * from './segment-config';
export * from './destinations-config';
