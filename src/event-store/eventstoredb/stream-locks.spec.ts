import { StreamLocks } from './stream-locks';

describe('StreamLocks', () => {
  it('runs work on one stream one at a time, in call order', async () => {
    const locks = new StreamLocks();
    const log: string[] = [];
    const gate = () => {
      let open!: () => void;
      return { opened: new Promise<void>((resolve) => (open = resolve)), open: () => open() };
    };
    const [gateA, gateB, bStarted] = [gate(), gate(), gate()];
    const a = locks.exclusive('s', async () => {
      log.push('start a');
      await gateA.opened;
      log.push('end a');
    });
    const b = locks.exclusive('s', async () => {
      log.push('start b');
      bStarted.open();
      await gateB.opened;
      log.push('end b');
    });
    await Promise.resolve();
    expect(log).toEqual(['start a']);
    gateA.open();
    await a;
    await bStarted.opened;
    gateB.open();
    await b;
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
  });

  it('lets different streams run side by side, and a failure free the stream', async () => {
    const locks = new StreamLocks();
    let release!: () => void;
    const held = locks.exclusive('s1', () => new Promise<void>((resolve) => (release = resolve)));
    expect(await locks.exclusive('s2', async () => 'other stream')).toBe('other stream');
    release();
    await held;
    await expect(locks.exclusive('s1', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await locks.exclusive('s1', async () => 'after failure')).toBe('after failure');
  });
});
