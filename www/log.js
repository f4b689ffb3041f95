// The request/response log: each call as the exact input sent and the exact output (or the AWS
// error name and message) received, side by side; newest first.
import { show } from "./codec.js";

/** What the log prints for a response: the output without $metadata, or the exception's fields. */
function response(entry) {
  if (entry.ok) {
    const { $metadata, ...output } = entry.output;
    return { text: show(output), meta: `HTTP ${$metadata?.httpStatusCode ?? 200} · request ${$metadata?.requestId ?? "?"}` };
  }
  const e = entry.error;
  const { $metadata, $response, stack, ...extra } = e;
  const body = { name: e.name, ...(e.$fault ? { $fault: e.$fault } : {}), message: e.message, ...extra };
  delete body.$retryable;
  const meta = $metadata ? `HTTP ${$metadata.httpStatusCode} · request ${$metadata.requestId}` : "not an AWS error: raised in the page";
  return { text: show(body), meta };
}

/** Prepends `entry` to the log list `list`. */
export function appendLog(list, entry) {
  const li = document.createElement("li");
  li.className = `entry ${entry.ok ? "ok" : "err"}`;
  li.dataset.op = entry.op;
  li.dataset.result = entry.ok ? "ok" : entry.error.name;
  const head = document.createElement("h3");
  const verdict = entry.ok ? "OK" : entry.error.name;
  head.innerHTML = "";
  head.append(
    Object.assign(document.createElement("span"), { className: "n", textContent: `#${entry.n}` }), " ",
    Object.assign(document.createElement("span"), { className: "op", textContent: entry.op }), " → ",
    Object.assign(document.createElement("span"), { className: "verdict", textContent: verdict }),
    Object.assign(document.createElement("span"), { className: "ms", textContent: ` ${entry.ms.toFixed(1)} ms` }),
  );
  const pair = document.createElement("div");
  pair.className = "pair";
  const res = response(entry);
  for (const [title, text, meta] of [["Request", show(entry.input), `${entry.op}Command input`], ["Response", res.text, res.meta]]) {
    const box = document.createElement("section");
    box.append(Object.assign(document.createElement("h4"), { textContent: title }), Object.assign(document.createElement("pre"), { textContent: text, tabIndex: 0 }));
    box.append(Object.assign(document.createElement("p"), { className: "meta", textContent: meta }));
    pair.append(box);
  }
  li.append(head, pair);
  list.prepend(li);
  while (list.children.length > 200) list.lastElementChild.remove();
}
