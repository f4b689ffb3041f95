// Timing helpers shared by the benchmark figures. Everything is measured side by side in one process
// and one run, and reported as ratios; absolute numbers depend on the machine.
import { spawnSync } from "node:child_process";

/**
 * Operations per second of `fn` (sync or async), after a warm-up, run for about `budgetMs`: the
 * best of five slices, since other load on the machine (CI, a busy laptop) only ever slows a slice
 * down. Ours and the reference are measured the same way, so ratios stay fair.
 */
export async function opsPerSecond(fn, budgetMs) {
  // JIT and wasm tier-up: V8 optimises a wasm function only after it has run for a while, so the
  // warm-up is timed (half the budget), not counted.
  const warm = performance.now();
  for (let i = 0; i < 30 || performance.now() - warm < budgetMs / 2; i++) await fn();
  let best = 0;
  for (let slice = 0; slice < 5; slice++) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < budgetMs / 5) {
      for (let i = 0; i < 10; i++) await fn();
      n += 10;
    }
    best = Math.max(best, n / ((performance.now() - start) / 1000));
  }
  return best;
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
