/**
 * How `emulateKms` finds `@aws-sdk/client-kms` in Node: every copy already loaded, every copy under
 * `node_modules` (nested ones of libraries at other versions included), and every copy loaded later.
 *
 * Owns: the module-system side of the discovery. Must not: route anything (`emulate.ts` does).
 *
 * Copies under `node_modules` are loaded through this module's own `require`, which is the test
 * runner's where it has one: Jest gives every test file a registry of its own and `createRequire`
 * there is Jest's, so the copy found is the very one the code under test gets. In plain Node (and
 * Vitest, which leaves `node_modules` to Node) a hook on the CommonJS loader reports later loads.
 * (`@aws-sdk/client-kms` has no `exports` map, so `import` of it also goes through that loader.)
 *
 * @module
 */
import { createRequire } from "node:module";
import * as nodeModule from "node:module";
import { readdirSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { ClientDiscovery } from "./emulate.js";

const PACKAGE = ["@aws-sdk", "client-kms"] as const;
/** How deep nested `node_modules` folders are searched (a library's library's copy is at depth 3). */
const MAX_DEPTH = 6;
/** Folders looked at, at most: a bound for very large trees, far above real ones. */
const MAX_FOLDERS = 20_000;

/** The `@aws-sdk/client-kms` package folders under `root/node_modules`, nested ones included. */
export function findClientKmsCopies(root: string): string[] {
  const found = new Set<string>();
  let budget = MAX_FOLDERS;
  const visit = (nodeModules: string, depth: number): void => {
    if (depth > MAX_DEPTH || budget <= 0) return;
    const names = safeList(nodeModules);
    budget -= names.length;
    if (names.includes(PACKAGE[0]) && safeList(join(nodeModules, PACKAGE[0])).includes(PACKAGE[1])) {
      found.add(real(join(nodeModules, ...PACKAGE)));
    }
    for (const name of names) {
      if (name === ".bin") continue;
      const dir = join(nodeModules, name);
      if (name === ".pnpm") {
        // pnpm's store: .pnpm/<name@version>/node_modules/…
        for (const entry of safeList(dir)) visit(join(dir, entry, "node_modules"), depth + 1);
      } else if (name.startsWith("@")) {
        for (const scoped of safeList(dir)) visit(join(dir, scoped, "node_modules"), depth + 1);
      } else {
        visit(join(dir, "node_modules"), depth + 1);
      }
    }
  };
  visit(join(root, "node_modules"), 0);
  return [...found];
}

/** The names in `dir`; none when it does not exist or cannot be read. */
function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

interface CjsLoader {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown;
  _cache?: Record<string, { exports?: unknown } | undefined>;
}

/**
 * The discovery the Node entry gives `emulateKms`: reports the exports of every copy of
 * `@aws-sdk/client-kms` loaded now, found under `process.cwd()`'s `node_modules`, or loaded later.
 * @internal
 */
export const nodeClientDiscovery: ClientDiscovery = (found) => {
  const loader = ((nodeModule as unknown as { default?: CjsLoader }).default ?? (nodeModule as unknown as CjsLoader));
  for (const [file, mod] of Object.entries(loader._cache ?? {})) {
    if (/[\\/]@aws-sdk[\\/]client-kms[\\/]/.test(file) && mod?.exports) found(mod.exports);
  }
  const load = createRequire(import.meta.url);
  for (const dir of findClientKmsCopies(process.cwd())) {
    try {
      found(load(dir));
    } catch {
      // A copy that does not load here cannot be loaded by the code under test either.
    }
  }
  const original = loader._load;
  if (typeof original !== "function") return () => {};
  const hook: CjsLoader["_load"] = function (this: unknown, request, parent, isMain) {
    const exports = original.call(this, request, parent, isMain);
    if (request.includes("client-kms")) found(exports);
    return exports;
  };
  loader._load = hook;
  return () => {
    if (loader._load === hook) loader._load = original;
  };
};
