// Talking to the server: JSON API routes (non-finite numbers arrive as strings) and plotly.js,
// which is loaded once, asynchronously.

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

let plotlyPromise = null;
/** plotly.js, loaded once and asynchronously: a page starts fetching its data while the 4.8 MB
 *  library is still being parsed, instead of waiting for it before running any of its code. */
export function plotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  plotlyPromise ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/vendor/plotly.min.js";
    script.addEventListener("load", () => { document.body.dataset.plotlyAt = String(Math.round(performance.now())); resolve(window.Plotly); });
    script.addEventListener("error", () => reject(new Error("could not load /vendor/plotly.min.js")));
    document.head.append(script);
  });
  return plotlyPromise;
}

/** GET a JSON API route; params values may be arrays (repeated keys). */
export async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) value.forEach((v) => url.searchParams.append(key, v));
    else if (value !== undefined && value !== null) url.searchParams.set(key, value);
  }
  const response = await fetch(url);
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON */ }
    throw new Error(`${path}: ${response.status} ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return response.json();
}

/** An API number list (non-finite values arrive as "NaN", "Infinity", "-Infinity") as numbers. */
export function numbers(list) {
  return list.map((v) => (typeof v === "string" ? NON_FINITE[v] ?? Number(v) : v));
}
