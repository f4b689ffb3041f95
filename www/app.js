// The sandbox page: wires the key list, the operation runner, the tutorials, the log and the
// state buttons together. It uses kms-wasm exactly as any page would (see session.js); the
// operation list and every form come from the model and the package at run time.
import { storage, loadModel, probeOperations, call, onCall } from "./session.js";
import { buildForm } from "./forms.js";
import { loadKeys, renderKeys } from "./keys.js";
import { appendLog } from "./log.js";
import { tutorials } from "./tutorials.js";
import { runTutorial } from "./tutorial-runner.js";
import { downloadState, importState, resetState } from "./state.js";

const $ = (id) => document.getElementById(id);
const CURRENT_KEY = "kms-sandbox.currentKey"; // per tab: two tabs may work on different keys

const ui = {
  model: undefined,
  implemented: new Map(),
  form: undefined,
  keyId: sessionStorage.getItem(CURRENT_KEY) ?? undefined,
  keys: [],
  /** Last blob of each member name seen in a response: the default for the next form's field of that name. */
  lastBlobs: new Map(),
};

function setStatus(text, { error = false } = {}) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", error);
}

// ---- keys ------------------------------------------------------------------------------------

let refreshing = Promise.resolve();
/** Re-reads the key list; calls are serialised so a burst of log entries costs one refresh each. */
function refreshKeys() {
  refreshing = refreshing.then(async () => {
    try {
      const { keys, aliases } = await loadKeys();
      ui.keys = keys;
      if (ui.keyId && !keys.some((k) => k.KeyId === ui.keyId)) select(undefined);
      if (!ui.keyId && keys.length) select(keys.filter((k) => k.KeyState === "Enabled").at(-1)?.KeyId ?? keys.at(-1).KeyId, { render: false });
      renderKeys($("keys"), keys, ui.keyId, (id) => select(id));
      $("keys-count").textContent = `${keys.length} key${keys.length === 1 ? "" : "s"}`;
      const datalist = $("known-key-ids");
      datalist.replaceChildren(...keys.map((k) => new Option(k.Description || k.KeySpec, k.KeyId)), ...aliases.map((a) => new Option("alias", a)));
      $("journal-version").textContent = String(await storage.head());
    } catch (err) {
      setStatus(`Could not read the keys: ${err.name}: ${err.message}`, { error: true });
    }
  });
  return refreshing;
}

function select(keyId, { render = true } = {}) {
  const previous = ui.keyId;
  ui.keyId = keyId;
  if (keyId) sessionStorage.setItem(CURRENT_KEY, keyId);
  else sessionStorage.removeItem(CURRENT_KEY);
  ui.form?.setKeyId(previous, keyId);
  $("current-key").textContent = keyId ?? "none";
  if (render) renderKeys($("keys"), ui.keys, ui.keyId, (id) => select(id));
}

// ---- operation runner ------------------------------------------------------------------------

function fillOperations() {
  const ops = [...ui.implemented.keys()];
  const yes = ops.filter((op) => ui.implemented.get(op));
  const no = ops.filter((op) => !ui.implemented.get(op));
  const group = (label, list) => {
    const g = document.createElement("optgroup");
    g.label = label;
    for (const op of list) g.append(new Option(op, op));
    return g;
  };
  $("op").replaceChildren(group(`Implemented (${yes.length})`, yes), group(`Not implemented yet (${no.length})`, no));
  $("op").value = sessionStorage.getItem("kms-sandbox.op") ?? (yes.includes("Encrypt") ? "Encrypt" : yes[0]);
  showForm();
}

function showForm() {
  const op = $("op").value;
  sessionStorage.setItem("kms-sandbox.op", op);
  const spec = ui.model.operations[op];
  const info = $("op-info");
  info.textContent = ui.implemented.get(op)
    ? `${spec.target} · errors it can return: ${spec.errors.join(", ") || "none modeled"}`
    : `${op} is not implemented in this build: sending it shows the UnsupportedOperationException kms-wasm answers.`;
  ui.form = buildForm(ui.model, op, $("fields"), { keyId: ui.keyId, lastBlobs: ui.lastBlobs });
  $("form-error").textContent = "";
}

async function send(event) {
  event.preventDefault();
  const op = $("op").value;
  let input;
  try {
    input = ui.form.read();
  } catch (err) {
    $("form-error").textContent = `Not sent — ${err.message}`;
    return;
  }
  $("form-error").textContent = "";
  $("send").disabled = true;
  try {
    const entry = await call(op, input);
    if (entry.ok && entry.output.KeyMetadata?.KeyId && op === "CreateKey") select(entry.output.KeyMetadata.KeyId);
  } finally {
    $("send").disabled = false;
  }
}

/** Remembers blobs from a response so the next form (e.g. Decrypt after Encrypt) starts with them. */
function rememberBlobs(entry) {
  if (!entry.ok) return;
  for (const [name, value] of Object.entries(entry.output)) if (value instanceof Uint8Array) ui.lastBlobs.set(name, value);
}

// ---- tutorials -------------------------------------------------------------------------------

function fillTutorials() {
  const list = $("tutorial-list");
  for (const [i, tutorial] of tutorials.entries()) {
    const li = document.createElement("li");
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: `${String.fromCharCode(97 + i)}. ${tutorial.title}` });
    button.dataset.tutorial = tutorial.id;
    button.addEventListener("click", async () => {
      for (const b of list.querySelectorAll("button")) b.disabled = true;
      const section = $("tutorial");
      section.dataset.tutorial = tutorial.id;
      try {
        await runTutorial(tutorial, section, { select });
      } finally {
        for (const b of list.querySelectorAll("button")) b.disabled = false;
        await refreshKeys();
      }
    });
    li.append(button, Object.assign(document.createElement("span"), { className: "hint", textContent: ` ${tutorial.intro}` }));
    list.append(li);
  }
}

// ---- state -----------------------------------------------------------------------------------

function wireState() {
  $("export").addEventListener("click", async () => {
    const state = await downloadState();
    setStatus(`Exported ${state.entries.length} journal entries.`);
  });
  $("import").addEventListener("click", () => $("import-file").click());
  $("import-file").addEventListener("change", async () => {
    const file = $("import-file").files?.[0];
    if (!file) return;
    try {
      await importState(await file.text());
      location.reload();
    } catch (err) {
      setStatus(`Import failed: ${err.message}`, { error: true });
    }
  });
  let armed;
  $("reset").addEventListener("click", async () => {
    const button = $("reset");
    if (!armed) {
      // Two presses, no modal dialog: a slip of the finger must not delete every key.
      button.textContent = "Press again to delete everything";
      button.setAttribute("aria-describedby", "reset-warning");
      armed = setTimeout(() => {
        armed = undefined;
        button.textContent = "Reset…";
      }, 5000);
      return;
    }
    clearTimeout(armed);
    await resetState();
    sessionStorage.removeItem(CURRENT_KEY);
    location.reload();
  });
}

// ---- boot ------------------------------------------------------------------------------------

async function main() {
  onCall((entry) => {
    appendLog($("log"), entry);
    rememberBlobs(entry);
    void refreshKeys();
  });
  $("op-form").addEventListener("submit", send);
  $("op").addEventListener("change", showForm);
  $("refresh").addEventListener("click", () => refreshKeys());
  $("clear-log").addEventListener("click", () => $("log").replaceChildren());
  // Another tab may have changed the keys: look again when this one comes back.
  document.addEventListener("visibilitychange", () => document.visibilityState === "visible" && refreshKeys());
  wireState();
  fillTutorials();

  ui.model = await loadModel();
  ui.implemented = await probeOperations(ui.model);
  await refreshKeys();
  fillOperations();
  const implemented = [...ui.implemented.values()].filter(Boolean).length;
  setStatus(`Ready: ${implemented} of ${ui.implemented.size} KMS operations implemented in this build.`);
  document.body.dataset.ready = "true";
}

main().catch((err) => {
  setStatus(`The sandbox failed to start: ${err?.name ?? "Error"}: ${err?.message ?? err}`, { error: true });
  document.body.dataset.ready = "error";
  throw err;
});
