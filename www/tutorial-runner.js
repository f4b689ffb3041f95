// Runs one tutorial in the page: renders its steps as an ordered list, runs them in order through
// the logged session, and writes each step's outcome and explanation under it. The section's
// data-outcome ("done" | "unsupported" | "failed") is what a reader — or a test — waits for.
import { call } from "./session.js";

class StepFailed extends Error {}
class Unsupported extends Error {}

/** The helpers a step's run(t) gets, on top of whatever earlier steps stored in `t`. */
function helpers(select) {
  const unsupported = (entry) => entry.error?.name === "UnsupportedOperationException";
  return {
    select,
    async ok(op, input) {
      const entry = await call(op, input);
      if (entry.ok) return entry.output;
      if (unsupported(entry)) throw new Unsupported(`${op}: ${entry.error.message}`);
      throw new StepFailed(`${op} failed: ${entry.error.name}: ${entry.error.message}`);
    },
    async fails(op, input, expected) {
      const entry = await call(op, input);
      if (!entry.ok && entry.error.name === expected) return entry.error;
      if (unsupported(entry)) throw new Unsupported(`${op}: ${entry.error.message}`);
      throw new StepFailed(entry.ok ? `${op} succeeded, but ${expected} was expected` : `${op}: expected ${expected}, got ${entry.error.name}: ${entry.error.message}`);
    },
  };
}

/**
 * Renders `tutorial` into `section` and runs it. `select(keyId)` makes a key the current one.
 * Resolves with the outcome.
 */
export async function runTutorial(tutorial, section, { select }) {
  section.replaceChildren();
  section.dataset.outcome = "running";
  section.setAttribute("aria-busy", "true");
  const h = document.createElement("h3");
  h.textContent = tutorial.title;
  h.tabIndex = -1;
  const intro = Object.assign(document.createElement("p"), { textContent: tutorial.intro });
  const list = document.createElement("ol");
  list.className = "steps";
  const items = tutorial.steps.map((step) => {
    const li = document.createElement("li");
    li.dataset.status = "pending";
    const title = Object.assign(document.createElement("span"), { className: "step-title", textContent: step.title });
    const status = Object.assign(document.createElement("span"), { className: "step-status", textContent: "waiting" });
    const explain = Object.assign(document.createElement("p"), { className: "step-explain" });
    li.append(title, " ", status, explain);
    list.append(li);
    return { li, status, explain };
  });
  const summary = Object.assign(document.createElement("p"), { className: "tutorial-summary" });
  summary.setAttribute("role", "status");
  section.append(h, intro, list, summary);
  h.focus();

  const t = helpers(select);
  let outcome = "done";
  for (const [i, step] of tutorial.steps.entries()) {
    const { li, status, explain } = items[i];
    li.dataset.status = "running";
    status.textContent = "running…";
    try {
      explain.textContent = await step.run(t);
      li.dataset.status = "done";
      status.textContent = "✓ done";
    } catch (err) {
      if (err instanceof Unsupported) {
        li.dataset.status = "unsupported";
        status.textContent = "not implemented yet";
        explain.textContent = `${err.message} This build of kms-wasm answers UnsupportedOperationException, exactly as the log shows.` +
          (step.optional ? " The step is optional; the tutorial goes on." : " The rest of this tutorial needs it, so it stops here.");
        if (step.optional) continue;
        outcome = "unsupported";
      } else {
        li.dataset.status = "failed";
        status.textContent = "✗ failed";
        explain.textContent = err instanceof StepFailed ? err.message : `Unexpected error: ${err?.name ?? "Error"}: ${err?.message ?? err}`;
        outcome = "failed";
      }
      for (const rest of items.slice(i + 1)) {
        rest.li.dataset.status = "skipped";
        rest.status.textContent = "skipped";
      }
      break;
    }
  }
  summary.textContent = {
    done: `Tutorial complete: ${tutorial.steps.length} steps.`,
    unsupported: "Tutorial stopped: it needs an operation this build does not implement yet.",
    failed: "Tutorial stopped: a step did not go as expected (see the log).",
  }[outcome];
  section.dataset.outcome = outcome;
  section.removeAttribute("aria-busy");
  return outcome;
}
