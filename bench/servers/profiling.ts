// CPU profiles of exactly the load: with BENCH_PROFILE_DIR set, SIGUSR2 starts V8's profiler and the next
// SIGUSR2 stops it, writes <dir>/<n>.cpuprofile and prints {"profile": path} for the bench to read.
// (--cpu-prof would cover start-up and idle time between runs as well.)
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function profileOnSignal(): void {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  const session = new Session();
  session.connect();
  let running = false;
  let n = 0;
  process.on('SIGUSR2', () => {
    void (async () => {
      if (!running) {
        running = true;
        await session.post('Profiler.enable');
        await session.post('Profiler.start');
        process.stdout.write(`${JSON.stringify({ profiling: true })}\n`);
        return;
      }
      running = false;
      const { profile } = await session.post('Profiler.stop');
      const file = join(dir, `${process.pid}-${++n}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      process.stdout.write(`${JSON.stringify({ profile: file })}\n`);
    })();
  });
}
