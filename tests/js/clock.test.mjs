// The clock option: a function, or a VirtualClock that tests move by hand. The engine sees only the
// time the client gives it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CreateKeyCommand, DescribeKeyCommand, KMSClient, MemoryStorage, ScheduleKeyDeletionCommand, VirtualClock, kmsRequestHandler } from "kms-wasm";

test("a VirtualClock stamps CreationDate and DeletionDate", async () => {
  const clock = new VirtualClock("2030-01-01T00:00:00Z");
  const kms = new KMSClient({ region: "us-east-1", storage: new MemoryStorage(), clock });
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({}));
  assert.equal(KeyMetadata.CreationDate.toISOString(), "2030-01-01T00:00:00.000Z");
  clock.advance({ days: 1, hours: 2 });
  const { DeletionDate } = await kms.send(new ScheduleKeyDeletionCommand({ KeyId: KeyMetadata.KeyId, PendingWindowInDays: 7 }));
  assert.equal(DeletionDate.toISOString(), "2030-01-09T02:00:00.000Z");
  const described = await kms.send(new DescribeKeyCommand({ KeyId: KeyMetadata.KeyId }));
  assert.equal(described.KeyMetadata.KeyState, "PendingDeletion");
});

test("VirtualClock never runs backwards and rejects bad input", () => {
  const clock = new VirtualClock(0);
  assert.equal(clock.advance(1500).getTime(), 1500);
  assert.equal(clock.set("1970-01-01T00:00:02Z").getTime(), 2000);
  assert.throws(() => clock.set(1000), RangeError);
  assert.throws(() => clock.advance(-1), RangeError);
  assert.throws(() => new VirtualClock("not a date"), TypeError);
});

test("a clock must be a function or have now()", () => {
  assert.throws(() => new KMSClient({ region: "us-east-1", clock: 5 }), TypeError);
  assert.throws(() => kmsRequestHandler({ clock: {} }), TypeError);
  assert.doesNotThrow(() => new KMSClient({ region: "us-east-1", clock: () => 0 }));
});
