// The key list: every key with its state, spec, usage, aliases and rotation status, read with
// ordinary (unlogged) calls so the log shows only what the learner or a tutorial did.
import { call } from "./session.js";

async function all(op, input, member) {
  const items = [];
  let Marker;
  do {
    const { ok, output, error } = await call(op, { ...input, Limit: 100, ...(Marker ? { Marker } : {}) }, { silent: true });
    if (!ok) throw error;
    items.push(...(output[member] ?? []));
    Marker = output.Truncated ? output.NextMarker : undefined;
  } while (Marker);
  return items;
}

/** Reads every key of the account with its details. */
export async function loadKeys() {
  const [keys, aliases] = await Promise.all([all("ListKeys", {}, "Keys"), all("ListAliases", {}, "Aliases")]);
  const aliasesOf = new Map();
  for (const a of aliases) if (a.TargetKeyId) aliasesOf.set(a.TargetKeyId, [...(aliasesOf.get(a.TargetKeyId) ?? []), a.AliasName]);
  const rows = [];
  for (const { KeyId } of keys) {
    const d = await call("DescribeKey", { KeyId }, { silent: true });
    if (!d.ok) continue; // deleted between the two calls
    const m = d.output.KeyMetadata;
    let rotation = "n/a";
    if (m.KeySpec === "SYMMETRIC_DEFAULT" && m.Origin === "AWS_KMS") {
      const r = await call("GetKeyRotationStatus", { KeyId }, { silent: true });
      rotation = r.ok ? (r.output.KeyRotationEnabled ? `every ${r.output.RotationPeriodInDays ?? 365} days` : "off") : r.error.name === "KMSInvalidStateException" ? "—" : r.error.name;
    }
    rows.push({ ...m, Aliases: (aliasesOf.get(KeyId) ?? []).sort(), Rotation: rotation });
  }
  rows.sort((a, b) => a.CreationDate - b.CreationDate);
  return { keys: rows, aliases: aliases.map((a) => a.AliasName).filter((n) => !n.startsWith("alias/aws/")) };
}

/**
 * Renders `keys` into `list` (a <ul>); `current` is the selected key ID, `onSelect(keyId)` is
 * called when the learner picks another.
 */
export function renderKeys(list, keys, current, onSelect) {
  list.replaceChildren();
  if (keys.length === 0) {
    const li = document.createElement("li");
    li.className = "empty";
    li.textContent = "No keys yet. Run the “Create a key” tutorial, or send CreateKey.";
    list.append(li);
    return;
  }
  for (const k of keys) {
    const li = document.createElement("li");
    li.className = "key";
    li.dataset.keyId = k.KeyId;
    li.dataset.state = k.KeyState;
    if (k.KeyId === current) li.classList.add("current");
    const title = document.createElement("div");
    title.className = "key-title";
    const id = Object.assign(document.createElement("code"), { textContent: k.KeyId });
    const badge = Object.assign(document.createElement("span"), { className: `state state-${k.KeyState}`, textContent: k.KeyState });
    title.append(id, " ", badge);
    const dl = document.createElement("dl");
    const add = (term, value) => {
      dl.append(Object.assign(document.createElement("dt"), { textContent: term }), Object.assign(document.createElement("dd"), { textContent: value }));
    };
    if (k.Description) add("Description", k.Description);
    add("Spec", k.KeySpec);
    add("Usage", k.KeyUsage);
    add("Aliases", k.Aliases.length ? k.Aliases.join(", ") : "—");
    add("Rotation", k.Rotation);
    if (k.DeletionDate) add("Deletion", k.DeletionDate.toISOString().slice(0, 10));
    const use = document.createElement("button");
    use.type = "button";
    use.className = "use-key";
    use.textContent = k.KeyId === current ? "Current key" : "Use this key";
    use.setAttribute("aria-pressed", String(k.KeyId === current));
    use.setAttribute("aria-label", `${k.KeyId === current ? "Current key" : "Use key"} ${k.KeyId}`);
    use.addEventListener("click", () => onSelect(k.KeyId));
    li.append(title, dl, use);
    list.append(li);
  }
}
