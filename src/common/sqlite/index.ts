export { WalSync, type FsyncFn } from './wal-sync';
export { WalCheckpointer } from './wal-checkpointer';
