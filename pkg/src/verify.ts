/**
 * `kms-wasm verify --data-dir DIR [--repair]`: checks every record of a `FileSystemStorage`
 * directory, says what is damaged and what a repair would drop, and, only when asked, keeps the
 * longest sound prefix of the history by moving everything after it aside.
 *
 * Owns: the inspection of the directory layout documented in `storage/fs.ts` and the repair plan.
 * Must not: interpret payloads beyond asking the engine to load the result (Node only).
 *
 * @module
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { ENTRY, open, SNAPSHOT } from "./integrity.js";

const NAME = /^\d{12}$/;
const nameOf = (v: number): string => String(v).padStart(12, "0");

/** One damaged record. */
export interface VerifyProblem {
  /** The record, relative to the directory (`journal/000000000005`, `snapshots/…`, `head`). */
  record: string;
  /** What is wrong with it. */
  reason: string;
}

/** What {@link verifyDataDir} found. */
export interface VerifyReport {
  /** True when every record is sound and nothing committed is missing. */
  sound: boolean;
  /** The last version of the longest sound prefix (0: nothing sound). */
  soundThrough: number;
  /** The snapshot the sound prefix starts from (0: none). */
  base: number;
  /** Every problem, in version order. */
  problems: VerifyProblem[];
  /** The files a repair moves aside: every record after the sound prefix and every damaged snapshot. */
  discard: string[];
  /** Records in the format of before integrity checks; the next open migrates them. */
  legacy: number;
}

async function versions(dir: string): Promise<number[]> {
  try {
    return (await readdir(dir)).filter((n) => NAME.test(n)).map(Number).sort((a, b) => a - b);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return [];
    throw err;
  }
}

async function bytesOf(path: string): Promise<Uint8Array | undefined> {
  try {
    const buf = await readFile(path);
    return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Checks every record of the FileSystemStorage directory `dir`, changing nothing. */
export async function verifyDataDir(dir: string): Promise<VerifyReport> {
  const snapshots = await versions(join(dir, "snapshots"));
  const journal = await versions(join(dir, "journal"));
  const problems: VerifyProblem[] = [];
  let legacy = 0;
  let hint = 0;
  const headBytes = await bytesOf(join(dir, "head"));
  if (headBytes !== undefined) {
    const text = new TextDecoder().decode(headBytes).trim();
    if (NAME.test(text)) hint = Number(text);
    else problems.push({ record: "head", reason: "is not a version number (12 digits)" });
  }

  // The newest snapshot that passes its checks is the base; newer damaged ones are problems.
  let base = 0;
  let chain = 0;
  let sealed = false;
  const badSnapshots: number[] = [];
  for (const v of [...snapshots].reverse()) {
    const opened = open((await bytesOf(join(dir, "snapshots", nameOf(v)))) ?? new Uint8Array(0), SNAPSHOT, v, 0);
    if (typeof opened === "string") {
      problems.push({ record: `snapshots/${nameOf(v)}`, reason: opened });
      badSnapshots.push(v);
      continue;
    }
    base = v;
    chain = opened.chain;
    sealed = !opened.legacy;
    if (opened.legacy) legacy++;
    break;
  }

  let through = base;
  const highest = Math.max(hint, base, ...journal);
  let broken = false;
  for (let v = base + 1; v <= highest && !broken; v++) {
    const bytes = await bytesOf(join(dir, "journal", nameOf(v)));
    if (bytes === undefined) {
      problems.push({ record: `journal/${nameOf(v)}`, reason: v <= Math.max(0, ...journal) ? "missing, but later entries exist" : `missing, but version ${hint} was committed (the "head" file says so)` });
      broken = true;
      break;
    }
    const opened = open(bytes, ENTRY, v, chain);
    if (typeof opened === "string" || (opened.legacy && sealed)) {
      problems.push({ record: `journal/${nameOf(v)}`, reason: typeof opened === "string" ? opened : "is in the format of before integrity checks, after checked records" });
      broken = true;
      break;
    }
    if (opened.legacy) legacy++;
    else sealed = true;
    chain = opened.chain;
    through = v;
  }
  const discard = [
    ...badSnapshots.sort((a, b) => a - b).map((v) => `snapshots/${nameOf(v)}`),
    ...snapshots.filter((v) => v > through && !badSnapshots.includes(v)).map((v) => `snapshots/${nameOf(v)}`),
    ...journal.filter((v) => v > through).map((v) => `journal/${nameOf(v)}`),
  ];
  if (hint > through || problems.some((p) => p.record === "head")) discard.push("head");
  return { sound: problems.length === 0, soundThrough: through, base, problems, discard, legacy };
}

/**
 * Keeps the sound prefix of `report` (from {@link verifyDataDir} on `dir`): moves every file it
 * discards into `damaged-<time>/` inside `dir` (nothing is deleted) and sets the head file to the
 * prefix's last version. Stop every process using the directory first. Returns the folder name.
 */
export async function repairDataDir(dir: string, report: VerifyReport): Promise<string> {
  const folder = `damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
  await mkdir(join(dir, folder, "journal"), { recursive: true, mode: 0o700 });
  await mkdir(join(dir, folder, "snapshots"), { recursive: true, mode: 0o700 });
  for (const record of report.discard) await rename(join(dir, record), join(dir, folder, record));
  if (report.soundThrough > 0) await writeFile(join(dir, "head"), `${nameOf(report.soundThrough)}\n`, { mode: 0o600 });
  return folder;
}
