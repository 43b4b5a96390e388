export { WalSync, type FsyncFn } from './wal-sync';
