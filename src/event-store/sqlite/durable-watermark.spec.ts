import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WalSync } from '../../common/sqlite';
import { heldFsync } from '../../common/sqlite/held-fsync.fixture';
import { DurableWatermark, LogNotDurableError } from './durable-watermark';

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('durable watermark', () => {
  let dir: string;
  let head: number;
  let held: ReturnType<typeof heldFsync>;
  let watermark: DurableWatermark;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-watermark-'));
    writeFileSync(join(dir, 'log-wal'), '');
    head = 0;
    held = heldFsync();
    watermark = new DurableWatermark(WalSync.open(join(dir, 'log-wal'), held.fsync), () => head);
  });
  afterEach(async () => {
    held.release();
    await watermark.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves past a committed position only when an fsync asked for after the commit completes', async () => {
    head = 3;
    let reached = false;
    const reaching = watermark.reach(2).then(() => (reached = true));
    await turn();
    expect(held.started).toHaveLength(1);
    expect([reached, watermark.position]).toEqual([false, 0]);
    held.started[0].done();
    await reaching;
    // The sync covers the head committed when it was asked for, not only the position waited for.
    expect(watermark.position).toBe(3);
    await watermark.reach(3);
    expect(held.started).toHaveLength(1);
  });

  it('lets positions a running sync covers share it, and those committed after its start share the next one', async () => {
    head = 5;
    const first = watermark.reach(5);
    head = 7;
    const covered = watermark.reach(4);
    const later = [watermark.reach(6), watermark.reach(7)];
    head = 9;
    const latest = watermark.reach(9);
    await turn();
    expect(held.started).toHaveLength(1);
    held.started[0].done();
    await Promise.all([first, covered]);
    expect(watermark.position).toBe(5);
    await turn();
    expect(held.started).toHaveLength(2);
    held.started[1].done();
    await Promise.all([...later, latest]);
    expect(watermark.position).toBe(9);
  });

  it('rejects the waiters of a failed fsync and every later one past the watermark, and syncs no more', async () => {
    head = 2;
    const durable = watermark.reach(2);
    await turn();
    held.started[0].done();
    await durable;
    head = 4;
    const lost = watermark.reach(4);
    head = 5;
    const queued = watermark.reach(5);
    await turn();
    held.started[1].fail(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(lost).rejects.toBeInstanceOf(LogNotDurableError);
    await expect(queued).rejects.toBeInstanceOf(LogNotDurableError);
    await expect(watermark.reach(3)).rejects.toThrow(/fsync of its WAL failed: EIO/);
    await expect(watermark.flush()).rejects.toBeInstanceOf(LogNotDurableError);
    expect(watermark.position).toBe(2);
    expect(watermark.failed).toBeInstanceOf(LogNotDurableError);
    // What was on disk before the failure stays readable.
    await expect(watermark.reach(2)).resolves.toBeUndefined();
    await turn();
    expect(held.started).toHaveLength(2);
  });

  it('asks for a sync on flush even when nothing is past the watermark (a write with no position)', async () => {
    let flushed = false;
    const flushing = watermark.flush().then(() => (flushed = true));
    await turn();
    expect([held.started.length, flushed]).toEqual([1, false]);
    held.started[0].done();
    await flushing;
  });
});
