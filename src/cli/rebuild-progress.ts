import { SingleBar } from 'cli-progress';

/** Progress of a long pass over the log (rebuild, export, import): events done out of a known total. */
export interface Progress {
  add(events: number): void;
  /** Stops the bar; returns the elapsed seconds and the mean rate. */
  stop(): { seconds: number; rate: number };
}

/**
 * A cli-progress bar on stderr with events/s and ETA. On a terminal it redraws in place; when stderr is not a
 * terminal (a pipe, a log file, a test) it prints nothing, and the command prints a one-line summary instead.
 */
export function progressBar(label: string, total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  const bar = new SingleBar({
    stream,
    format: `${label.padEnd(8)} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | ETA {eta_formatted}`,
    barsize: 30,
    etaBuffer: 50,
    fps: 5,
    hideCursor: true,
    noTTYOutput: false,
  });
  const started = Date.now();
  let done = 0;
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  return {
    add(events) {
      done += events;
      bar.update(Math.min(done, Math.max(total, 1)), { rate: Math.round(done / Math.max((Date.now() - started) / 1000, 0.001)) });
    },
    stop() {
      bar.stop();
      const seconds = (Date.now() - started) / 1000;
      return { seconds, rate: done / Math.max(seconds, 0.001) };
    },
  };
}

export function summary(what: string, events: number, timing: { seconds: number; rate: number }): string {
  return `${what}: ${events} events in ${timing.seconds.toFixed(1)} s (${Math.round(timing.rate)} events/s)\n`;
}
