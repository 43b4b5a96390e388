export * from './change-item';
export * from './number-changes';
export * from './profile-changes';
export * from './profile-snapshot';
export * from './profile-change-tracker';
export * from './erasure-changes';
export * from './audience-changes';
export * from './computed-changes';
