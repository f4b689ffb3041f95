// Child process for durability tests: appends entries "<tag>:<i>" through its own Journal on a
// FileSystemStorage and prints "ack <version> <entry>" only after each run() resolved, i.e. after
// the write is durable. argv: dir tag count(0 = until killed) compactEvery
import { FileSystemStorage, Journal } from "./modules.mjs";
import { FakeEngine } from "./fake-engine.mjs";

const [dir, tag, count, compactEvery] = process.argv.slice(2);
const engine = new FakeEngine();
const journal = new Journal(new FileSystemStorage(dir), engine, { compactEvery: Number(compactEvery) });
await journal.open();
process.stdout.write("ready\n");
const limit = Number(count) || Infinity;
for (let i = 0; i < limit; i++) {
  const text = `${tag}:${i}`;
  await journal.run(engine.write(text));
  // stdout on a pipe is synchronous on Linux, so a printed ack is never lost to a later SIGKILL.
  process.stdout.write(`ack ${journal.version} ${text}\n`);
}
await journal.close();
