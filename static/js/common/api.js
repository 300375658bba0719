// Talking to the server: JSON API routes (non-finite numbers arrive as strings) and plotly.js,
// which is loaded once, asynchronously.

const NON_FINITE = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };

const BUNDLES = { basic: "/vendor/plotly-basic.min.js", full: "/vendor/plotly.min.js" };
const loading = {};
/** plotly.js, loaded once and asynchronously: a page starts fetching its data while the library
 *  is still being parsed. The dashboards draw only scatter traces: the basic bundle (1.2 MB)
 *  holds them; a page that needs other trace types asks for "full" (4.8 MB). */
export function plotly(bundle = "basic") {
  if (window.Plotly && (bundle === "basic" || window.Plotly.__bundle === "full")) return Promise.resolve(window.Plotly);
  loading[bundle] ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = BUNDLES[bundle];
    script.addEventListener("load", () => {
      window.Plotly.__bundle = bundle;
      document.body.dataset.plotlyAt = String(Math.round(performance.now()));
      resolve(window.Plotly);
    });
    script.addEventListener("error", () => reject(new Error(`could not load ${BUNDLES[bundle]}`)));
    document.head.append(script);
  });
  return loading[bundle];
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
