// The page's side of the graph Web Worker (graph-worker.js: scope hierarchy, series folding and
// ELK layout): requests as promises, answered by sequence number.
import { showError } from "../common/status.js";

const worker = new Worker("/static/js/graph-worker.js");
let seq = 0;
const pending = new Map();
worker.onmessage = (event) => {
  const msg = event.data;
  const resolve = pending.get(msg.seq);
  pending.delete(msg.seq);
  if (msg.type === "error") showError(new Error(`graph layout: ${msg.message}`));
  else if (resolve) resolve(msg);
};

/** Send a message ({type: "load" | "layout" | "search" | "reveal", ...}); its answer. */
export function ask(message) {
  const id = ++seq;
  return new Promise((resolve) => { pending.set(id, resolve); worker.postMessage({ ...message, seq: id }); });
}
