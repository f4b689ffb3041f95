// Shared pieces of the browser tests: launching Debian's Chromium through playwright-core on a
// given profile, opening the sandbox with console-error capture, and driving the operation runner.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const root = join(dirname(fileURLToPath(import.meta.url)), "../..");
export const artifacts = join(root, "tests/browser/artifacts");
export const CHROMIUM = process.env.KMS_WASM_CHROMIUM ?? "/usr/bin/chromium";
/** Upper bound for any single wait; the whole suite must stay well under 90 s. */
export const WAIT = 20_000;

mkdirSync(artifacts, { recursive: true });

/** A persistent context (so IndexedDB survives a relaunch) on `profile`, headless, isolated from the network. */
export async function launch(profile) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/setup.sh (it installs Debian's chromium with apt-get)`);
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 1000 },
    timeout: WAIT,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

/**
 * Opens the sandbox in a new page of `context` and waits until it is ready. Console errors and
 * uncaught exceptions are collected in `page.problems` (the first test asserts there are none).
 */
export async function openSandbox(context, url, { viewport } = {}) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  if (viewport) await page.setViewportSize(viewport);
  page.problems = [];
  page.on("console", (msg) => msg.type() === "error" && page.problems.push(`console: ${msg.text()}`));
  page.on("pageerror", (err) => page.problems.push(`pageerror: ${err.message}`));
  await page.goto(url);
  await ready(page);
  return page;
}

/** Waits for the sandbox's boot to finish (body[data-ready]); fails on a boot error. */
export async function ready(page) {
  try {
    await page.waitForSelector("body[data-ready]", { timeout: WAIT });
  } catch (err) {
    // Say why: a module that failed to load leaves only console errors behind.
    const status = await page.textContent("#status").catch(() => "(no page)");
    throw new Error(`sandbox did not start: status "${status}"; problems: ${JSON.stringify(page.problems ?? [])}`, { cause: err });
  }
  const state = await page.getAttribute("body", "data-ready");
  if (state !== "true") throw new Error(`sandbox failed to start: ${await page.textContent("#status")}`);
}

/**
 * Runs `op` from the runner form. `fill` maps member names to a value, or to `{ value, encoding }`
 * for blobs. Resolves with the new log entry: `{ result, request, response, text }`.
 */
export async function runOp(page, op, fill = {}) {
  await page.selectOption("#op", op);
  for (const [member, spec] of Object.entries(fill)) {
    const field = page.locator(`#fields .field[data-member="${member}"]`);
    await page.evaluate((m) => {
      const el = document.querySelector(`#fields .field[data-member="${m}"]`);
      const details = el?.closest("details");
      if (details) details.open = true;
    }, member);
    const { value, encoding } = typeof spec === "object" ? spec : { value: spec };
    if (encoding) await field.locator(`input[type="radio"][value="${encoding}"]`).check();
    const control = field.locator("select, textarea, input:not([type='radio'])").first();
    if ((await control.evaluate((el) => el.tagName)) === "SELECT") await control.selectOption(String(value));
    else await control.fill(String(value));
  }
  const before = await page.locator("#log > li").count();
  await page.click("#send");
  await page.waitForFunction((n) => document.querySelectorAll("#log > li").length > n, before, { timeout: WAIT });
  return lastEntry(page);
}

/** The newest log entry, parsed. */
export async function lastEntry(page) {
  return page.locator("#log > li").first().evaluate((li) => {
    const pres = li.querySelectorAll("pre");
    return { op: li.dataset.op, result: li.dataset.result, request: JSON.parse(pres[0].textContent), response: JSON.parse(pres[1].textContent), text: li.textContent };
  });
}

/** Waits until the key list shows `keyId`. */
export async function waitForKey(page, keyId) {
  await page.locator(`#keys li[data-key-id="${keyId}"]`).waitFor({ timeout: WAIT });
}
