// Operation forms generated from the KMS model (model/kms-model-summary.json): one field per input
// member, typed by the model, with defaults a learner can send as they are. Nothing here names an
// operation: new operations get a form the day the model and the package have them.
import { decodeBlob, encodeBlob, fromBase64 } from "./codec.js";

/** Defaults for required members by member name; optional members start empty (left out). */
const REQUIRED_DEFAULTS = {
  Plaintext: "Hello, KMS!",
  Message: "Hello, KMS!",
  PendingWindowInDays: "7",
  PolicyName: "default",
  NumberOfBytes: "32",
};
/** Defaults for enum members by enum type, when the member is required or usually wanted. */
const ENUM_DEFAULTS = { DataKeySpec: "AES_256", DataKeyPairSpec: "ECC_NIST_P256", MessageType: "RAW", SigningAlgorithmSpec: "ECDSA_SHA_256", MacAlgorithmSpec: "HMAC_SHA_256" };

let uid = 0;

/**
 * Builds the form body for `op` into `container`. `context` gives what defaults depend on:
 * `{ keyId, lastBlobs }` (the current key, and the last blob of each member name seen in a response).
 * Returns `read()`, which parses the fields into an SDK input object (throws with a clear message
 * on a bad field), and `setKeyId(id)` to follow the current key.
 */
export function buildForm(model, op, container, context) {
  container.replaceChildren();
  const members = Object.entries(model.operations[op].input);
  const fields = [];
  const required = members.filter(([, m]) => m.required);
  const optional = members.filter(([, m]) => !m.required);
  if (members.length === 0) container.append(note(`${op} takes no input members.`));
  for (const [name, member] of required) fields.push(field(model, name, member, context, container));
  if (optional.length > 0) {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = `Optional members (${optional.length}) — left out of the request when empty`;
    details.append(summary);
    for (const [name, member] of optional) fields.push(field(model, name, member, context, details));
    container.append(details);
  }
  return {
    read() {
      const input = {};
      for (const f of fields) {
        const value = f.read();
        if (value !== undefined) input[f.name] = value;
      }
      return input;
    },
    setKeyId(previous, next) {
      for (const f of fields) f.followKey?.(previous, next);
    },
  };
}

function note(text) {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = text;
  return p;
}

/** One labelled field for member `name`; appends it to `parent` and returns its reader. */
function field(model, name, member, context, parent) {
  const id = `f${++uid}-${name}`;
  const wrap = document.createElement("div");
  wrap.className = "field";
  wrap.dataset.member = name;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = name;
  if (member.required) {
    const star = document.createElement("span");
    star.className = "req";
    star.textContent = " (required)";
    label.append(star);
  }
  const typeNote = document.createElement("span");
  typeNote.className = "type";
  typeNote.textContent = ` ${describe(member)}`;
  label.append(typeNote);
  wrap.append(label);
  parent.append(wrap);

  const type = member.type;
  const reader = { name };
  if (type === "blob") {
    const initial = initialBlob(name, member, context);
    const area = textarea(id, initial.value, 3);
    area.dataset.encoding = initial.encoding;
    const encoding = document.createElement("fieldset");
    encoding.className = "encoding";
    const legend = document.createElement("legend");
    legend.textContent = `${name} is entered as`;
    encoding.append(legend);
    const start = area.dataset.encoding;
    for (const enc of ["text", "base64", "hex"]) {
      const radioId = `${id}-${enc}`;
      const radio = Object.assign(document.createElement("input"), { type: "radio", name: `${id}-enc`, id: radioId, value: enc, checked: enc === start });
      // Switching the encoding converts what is typed, so the bytes stay the same.
      radio.addEventListener("change", () => {
        const from = area.dataset.encoding;
        try {
          const bytes = decodeBlob(area.value, from);
          const converted = encodeBlob(bytes, enc);
          if (converted === undefined) throw new Error("these bytes are not UTF-8 text");
          area.value = converted;
          area.dataset.encoding = enc;
        } catch (err) {
          radio.checked = false;
          encoding.querySelector(`input[value="${from}"]`).checked = true;
          area.setCustomValidity(`Cannot show as ${enc}: ${err.message}`);
          area.reportValidity();
          setTimeout(() => area.setCustomValidity(""), 2000);
        }
      });
      const l = Object.assign(document.createElement("label"), { htmlFor: radioId, textContent: enc });
      const pair = Object.assign(document.createElement("span"), { className: "choice" }); // radio and label wrap together
      pair.append(radio, l);
      encoding.append(pair);
    }
    wrap.append(area, encoding);
    reader.read = wrapErrors(name, () => (area.value === "" && !member.required ? undefined : decodeBlob(area.value, area.dataset.encoding)));
  } else if (type.startsWith("enum:")) {
    const values = model.enums[type.slice(5)] ?? [];
    const select = document.createElement("select");
    select.id = id;
    select.append(new Option(member.required ? "(choose)" : "(leave out)", ""));
    for (const v of values) select.append(new Option(v, v));
    const preset = ENUM_DEFAULTS[type.slice(5)];
    if (member.required && preset) select.value = preset;
    wrap.append(select);
    reader.read = () => select.value || undefined;
  } else if (type === "boolean") {
    const select = document.createElement("select");
    select.id = id;
    select.append(new Option("(leave out)", ""), new Option("true", "true"), new Option("false", "false"));
    wrap.append(select);
    reader.read = () => (select.value === "" ? undefined : select.value === "true");
  } else if (type === "integer" || type === "long") {
    const input = Object.assign(document.createElement("input"), { type: "number", id, inputMode: "numeric" });
    if (member.constraints?.min !== undefined) input.min = member.constraints.min;
    if (member.constraints?.max !== undefined) input.max = member.constraints.max;
    input.value = member.required ? REQUIRED_DEFAULTS[name] ?? "" : "";
    wrap.append(input);
    reader.read = wrapErrors(name, () => {
      if (input.value.trim() === "") return undefined;
      const n = Number(input.value);
      if (!Number.isInteger(n)) throw new Error("must be a whole number");
      return n;
    });
  } else if (type === "string") {
    const long = /Policy$/.test(name) && name !== "PolicyName";
    const input = long ? textarea(id, "", 4) : Object.assign(document.createElement("input"), { type: "text", id, spellcheck: false, autocomplete: "off" });
    if (member.keyIdForms) {
      input.setAttribute("list", "known-key-ids");
      // Required key fields follow the current key; optional ones (filters) start empty.
      if (member.required) {
        input.value = context.keyId ?? "";
        reader.followKey = (previous, next) => {
          if (input.value === "" || input.value === previous) input.value = next ?? "";
        };
      }
    } else if (member.required) {
      input.value = name === "AliasName" ? `alias/sandbox-${Math.random().toString(36).slice(2, 8)}` : REQUIRED_DEFAULTS[name] ?? "";
    }
    wrap.append(input);
    reader.read = () => (input.value === "" && !member.required ? undefined : input.value);
  } else if (type === "timestamp") {
    const input = Object.assign(document.createElement("input"), { type: "text", id, placeholder: "2030-01-01T00:00:00Z" });
    wrap.append(input);
    reader.read = wrapErrors(name, () => {
      if (input.value.trim() === "") return undefined;
      const d = new Date(input.value);
      if (Number.isNaN(d.getTime())) throw new Error("not a date (use ISO 8601)");
      return d;
    });
  } else if (/^list<(string|enum:\w+)>$/.test(type)) {
    const area = textarea(id, "", 2);
    area.placeholder = "one per line";
    wrap.append(area);
    reader.read = () => {
      const items = area.value.split("\n").map((s) => s.trim()).filter(Boolean);
      return items.length === 0 ? undefined : items;
    };
  } else {
    // Maps, structures and lists of structures: JSON, with nested blobs as base64 strings.
    const area = textarea(id, "", 3);
    area.placeholder = placeholderFor(model, type);
    wrap.append(area);
    reader.read = wrapErrors(name, () => {
      if (area.value.trim() === "") return undefined;
      let parsed;
      try {
        parsed = JSON.parse(area.value);
      } catch (err) {
        throw new Error(`not valid JSON (${err.message})`);
      }
      return fromJson(model, type, parsed);
    });
  }
  return reader;
}

function textarea(id, value, rows) {
  const area = Object.assign(document.createElement("textarea"), { id, rows, spellcheck: false });
  area.value = value;
  return area;
}

/** The starting value of a blob field: the last blob of the same name seen in a response, else a default. */
function initialBlob(name, member, context) {
  const last = context.lastBlobs?.get(name);
  if (last) {
    const asText = name === "Plaintext" || name === "Message" ? encodeBlob(last, "text") : undefined;
    return asText !== undefined ? { value: asText, encoding: "text" } : { value: encodeBlob(last, "base64"), encoding: "base64" };
  }
  if (member.required && REQUIRED_DEFAULTS[name]) return { value: REQUIRED_DEFAULTS[name], encoding: "text" };
  // Blobs a learner pastes from a response are base64; messages they type are text.
  return { value: "", encoding: /Ciphertext|Signature|Mac|Token|Key/.test(name) ? "base64" : "text" };
}

function describe(member) {
  const c = member.constraints ?? {};
  const bounds = c.min !== undefined || c.max !== undefined ? ` ${c.min ?? ""}..${c.max ?? ""}` : "";
  return `— ${member.type}${bounds}${member.keyIdForms ? ` (${member.keyIdForms.replaceAll("|", " | ")})` : ""}`;
}

function placeholderFor(model, type) {
  if (type.startsWith("map<")) return '{"purpose": "sandbox"}';
  const m = /^(?:list<)?struct:(\w+)>?$/.exec(type);
  if (!m) return "JSON";
  const example = Object.fromEntries(Object.entries(model.structures[m[1]] ?? {}).map(([k, v]) => [k, v.type]));
  return JSON.stringify(type.startsWith("list<") ? [example] : example);
}

/** Converts parsed JSON into SDK input values using the model: base64 → bytes, ISO → Date. */
export function fromJson(model, type, value) {
  if (value === null || value === undefined) return value;
  if (type === "blob") {
    if (typeof value !== "string") throw new Error("a blob must be a base64 string");
    return fromBase64(value);
  }
  if (type === "timestamp") return new Date(typeof value === "number" ? value * 1000 : value);
  let m;
  if ((m = /^list<(.+)>$/.exec(type))) {
    if (!Array.isArray(value)) throw new Error(`expected a JSON array for ${type}`);
    return value.map((v) => fromJson(model, m[1], v));
  }
  if ((m = /^map<string,(.+)>$/.exec(type))) {
    if (typeof value !== "object" || Array.isArray(value)) throw new Error(`expected a JSON object for ${type}`);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJson(model, m[1], v)]));
  }
  if ((m = /^struct:(\w+)$/.exec(type))) {
    const shape = model.structures[m[1]] ?? {};
    if (typeof value !== "object" || Array.isArray(value)) throw new Error(`expected a JSON object for ${m[1]}`);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape[k] ? fromJson(model, shape[k].type, v) : v]));
  }
  return value;
}

function wrapErrors(name, read) {
  return () => {
    try {
      return read();
    } catch (err) {
      throw new Error(`${name}: ${err.message}`);
    }
  };
}
