// Timing helpers shared by the benchmark figures. Everything is measured side by side in one process
// and one run, and reported as ratios; absolute numbers depend on the machine.
import { spawnSync } from "node:child_process";

/** Operations per second of `fn` (sync or async), after a warm-up, run for about `budgetMs`. */
export async function opsPerSecond(fn, budgetMs) {
  for (let i = 0; i < 30; i++) await fn(); // JIT and wasm tier-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    for (let i = 0; i < 10; i++) await fn();
    n += 10;
  }
  return n / ((performance.now() - start) / 1000);
}

/** Median of the times (ms) of `runs` calls of `fn`. */
export async function medianMs(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** The median of a list of numbers. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall time (ms) of a new Node process running the ES module `code` from `cwd`. */
export function processMs(code, runs, cwd) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd, stdio: ["ignore", "ignore", "inherit"] });
    if (r.status !== 0) throw new Error("benchmark child process failed");
    times.push(performance.now() - t);
  }
  return median(times);
}
