import { changeId, type ChangeItem } from '../../projections/change-feed';
import { pumpChanges, sseFrame, type StreamSink } from './change-stream';
import { MemoryChangeFeed } from './memory-change-feed';

const item = (n: number): ChangeItem => ({ id: changeId(String(n).padStart(6, '0'), 0), type: 'profile.updated', at: 'T', profileId: `p${n}`, changed: ['attributes'] });

/** A sink whose writes complete only when the test drains them: a client that reads when it pleases. */
function slowSink() {
  const pending: Array<() => void> = [];
  const written: string[] = [];
  const sink: StreamSink & { closed: boolean } = {
    closed: false,
    write: (chunk) => {
      written.push(chunk);
      return new Promise((resolve) => pending.push(resolve));
    },
  };
  return { sink, written, drainOne: () => pending.shift()?.(), pending };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('pumpChanges', () => {
  it('a reader that does not read holds the stream at one write: the feed is not read ahead', async () => {
    const feed = new MemoryChangeFeed();
    for (let n = 1; n <= 1_000; n++) feed.append(item(n));
    const { sink, written, drainOne } = slowSink();
    const done = pumpChanges(feed, sink, { heartbeatMs: 60_000, version: () => 0, waitForChanges: () => tick(), now: Date.now });
    for (let i = 0; i < 20; i++) await tick();
    expect(written).toHaveLength(1);
    expect(feed.reads).toBe(1);
    for (let i = 0; i < 150; i++) {
      drainOne();
      await tick();
    }
    expect(written).toHaveLength(151);
    expect(feed.reads).toBe(2);
    sink.closed = true;
    drainOne();
    await done;
  });

  it('frames each item as an SSE event, resumes after `after`, and sends a heartbeat when quiet', async () => {
    const feed = new MemoryChangeFeed();
    feed.append(item(1), item(2), item(3));
    const written: string[] = [];
    let clock = 0;
    const sink = { closed: false, write: async (c: string) => void written.push(c) };
    const done = pumpChanges(feed, sink, {
      after: item(1).id,
      heartbeatMs: 100,
      version: () => 0,
      waitForChanges: async () => {
        clock += 100;
        if (written.some((w) => w.startsWith(':'))) sink.closed = true;
      },
      now: () => clock,
    });
    await done;
    expect(written).toEqual([sseFrame(item(2)), sseFrame(item(3)), ': heartbeat\n\n']);
    expect(sseFrame(item(2))).toBe(`id: ${item(2).id}\nevent: profile.updated\ndata: ${JSON.stringify(item(2))}\n\n`);
  });
});
