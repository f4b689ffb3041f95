/**
 * `contains`: the partial match of command inputs that `commandCalls` and the matchers share.
 *
 * Owns: what "an input contains a subset" means. Must not: know commands or runners.
 *
 * @module
 */

/**
 * Whether `actual` contains `expected`: every member `expected` names is equal in `actual` (deep,
 * arrays element by element, bytes by content, dates by time), and Jest's or Vitest's asymmetric
 * matchers (`expect.any(String)`) match as they do there. @internal
 */
/** Whether `actual` contains `expected`: every member `expected` names is equal in `actual`. */
export function contains(actual: unknown, expected: unknown): boolean {
  if (expected === actual) return true;
  // Jest's and Vitest's asymmetric matchers (expect.any(String), expect.stringMatching(…)).
  const matcher = expected as { asymmetricMatch?: (v: unknown) => boolean } | null;
  if (typeof matcher?.asymmetricMatch === "function") return matcher.asymmetricMatch(actual);
  if (ArrayBuffer.isView(expected) || ArrayBuffer.isView(actual)) {
    if (!ArrayBuffer.isView(expected) || !ArrayBuffer.isView(actual)) {
      return typeof actual === "string" && ArrayBuffer.isView(expected) ? bytesEqual(new TextEncoder().encode(actual), expected) : false;
    }
    return bytesEqual(actual, expected);
  }
  if (expected instanceof Date) return actual instanceof Date && actual.getTime() === expected.getTime();
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => contains(actual[i], e));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object") return false;
    return Object.entries(expected).every(([k, v]) => v === undefined || contains((actual as Record<string, unknown>)[k], v));
  }
  return false;
}

function bytesEqual(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

