/**
 * `kmsMatchers`: Jest and Vitest matchers over an {@link KmsEmulation}'s record of sent commands,
 * named and shaped like `aws-sdk-client-mock-jest`'s, so assertions read the same:
 * `expect(kms).toHaveReceivedCommandWith(EncryptCommand, { KeyId })`.
 *
 * Owns: the matchers and their messages. Must not: depend on a test runner (both pass the same
 * matcher context; nothing here imports `jest` or `vitest`).
 *
 * @module
 */
import type { CommandClass, KmsCommandCall, KmsEmulation } from "./emulate.js";
import { contains } from "./match.js";

/** What Jest and Vitest hand a matcher as `this` (the part used here). */
interface MatcherContext {
  isNot?: boolean;
  utils?: { printExpected?(v: unknown): string; printReceived?(v: unknown): string };
}
interface MatcherResult {
  pass: boolean;
  message(): string;
}

function emulationOf(received: unknown): KmsEmulation {
  if (typeof (received as KmsEmulation)?.commandCalls !== "function") {
    throw new TypeError("kms-wasm matchers: expect(…) must be given the handle emulateKms() returned");
  }
  return received as KmsEmulation;
}

const nameOf = (command: CommandClass): string => command.name;

function show(ctx: MatcherContext, value: unknown): string {
  return ctx.utils?.printReceived?.(value) ?? JSON.stringify(value);
}

function summary(ctx: MatcherContext, calls: KmsCommandCall[]): string {
  if (calls.length === 0) return "  (no commands were sent)";
  return calls.map((c, i) => `  ${i + 1}. ${c.commandName} ${show(ctx, c.input)}`).join("\n");
}

function result(ctx: MatcherContext, pass: boolean, what: string, all: KmsCommandCall[]): MatcherResult {
  return {
    pass,
    message: () => `expected the emulated KMS ${ctx.isNot ? "not " : ""}to have received ${what}\nCommands received:\n${summary(ctx, all)}`,
  };
}

/**
 * The matchers. `emulateKms()` installs them on the runner's `expect` (the global one, or the
 * `expect` option); elsewhere `expect.extend(kmsMatchers)`. For TypeScript, declare
 * {@link KmsMatchers} on your runner's matcher interface (docs/testing.md shows how).
 *
 * @example
 * ```ts
 * expect.extend(kmsMatchers);
 * expect(kms).toHaveReceivedCommandTimes(EncryptCommand, 1);
 * expect(kms).toHaveReceivedCommandWith(EncryptCommand, { EncryptionContext: { app: "demo" } });
 * ```
 */
export const kmsMatchers = {
  /** Some command was sent. */
  toHaveReceivedAnyCommand(this: MatcherContext, received: unknown): MatcherResult {
    const all = emulationOf(received).commandCalls();
    return result(this, all.length > 0, "any command", all);
  },
  /** `command` was sent at least once. */
  toHaveReceivedCommand(this: MatcherContext, received: unknown, command: CommandClass): MatcherResult {
    const kms = emulationOf(received);
    return result(this, kms.commandCalls(command).length > 0, nameOf(command), kms.commandCalls());
  },
  /** `command` was sent exactly `times` times. */
  toHaveReceivedCommandTimes(this: MatcherContext, received: unknown, command: CommandClass, times: number): MatcherResult {
    const kms = emulationOf(received);
    const n = kms.commandCalls(command).length;
    return result(this, n === times, `${nameOf(command)} ${times} times (received it ${n} times)`, kms.commandCalls());
  },
  /** `command` was sent exactly once. */
  toHaveReceivedCommandOnce(this: MatcherContext, received: unknown, command: CommandClass): MatcherResult {
    const kms = emulationOf(received);
    const n = kms.commandCalls(command).length;
    return result(this, n === 1, `${nameOf(command)} once (received it ${n} times)`, kms.commandCalls());
  },
  /** `command` was sent at least once with an input containing `input` (a partial match). */
  toHaveReceivedCommandWith(this: MatcherContext, received: unknown, command: CommandClass, input: object): MatcherResult {
    const kms = emulationOf(received);
    return result(this, kms.commandCalls(command, input).length > 0, `${nameOf(command)} with ${show(this, input)}`, kms.commandCalls());
  },
  /** The `call`-th `command` (1-based) had an input containing `input`. */
  toHaveReceivedNthCommandWith(this: MatcherContext, received: unknown, command: CommandClass, call: number, input: object): MatcherResult {
    const kms = emulationOf(received);
    const nth = kms.commandCalls(command)[call - 1];
    return result(this, nth !== undefined && contains(nth.input, input), `${nameOf(command)} #${call} with ${show(this, input)}`, kms.commandCalls());
  },
  /** The last `command` had an input containing `input`. */
  toHaveReceivedLastCommandWith(this: MatcherContext, received: unknown, command: CommandClass, input: object): MatcherResult {
    const kms = emulationOf(received);
    const last = kms.commandCalls(command).at(-1);
    return result(this, last !== undefined && contains(last.input, input), `${nameOf(command)} last with ${show(this, input)}`, kms.commandCalls());
  },
};

/** The matchers' types, for `declare module` augmentation of a runner's `Matchers<R>`. */
export interface KmsMatchers<R = unknown> {
  toHaveReceivedAnyCommand(): R;
  toHaveReceivedCommand(command: CommandClass): R;
  toHaveReceivedCommandTimes(command: CommandClass, times: number): R;
  toHaveReceivedCommandOnce(command: CommandClass): R;
  toHaveReceivedCommandWith(command: CommandClass, input: object): R;
  toHaveReceivedNthCommandWith(command: CommandClass, call: number, input: object): R;
  toHaveReceivedLastCommandWith(command: CommandClass, input: object): R;
}
