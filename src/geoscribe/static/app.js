// geoscribe search page: plain JS over the JSON API (no build step).
// Values from the database are inserted with textContent only, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const state = { schema: "cistrome", info: null, filters: {}, offset: 0, limit: 25 };

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}

async function api(path, options) {
  const resp = await fetch(path, options);
  const body = await resp.json().catch(() => ({}));
  if (!resp.ok) {
    const detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail || body);
    throw new Error(`${resp.status}: ${detail}`);
  }
  return body;
}

function schemaInfo() {
  return state.info.schemas.find((s) => s.name === state.schema);
}

function confBar(value) {
  const span = el("span");
  if (value === null || value === undefined) return span;
  const bar = el("span", null, "conf");
  bar.style.width = `${Math.round(value * 40)}px`;
  span.append(bar, el("span", value.toFixed(2)));
  return span;
}

// ---- translation ----
async function translate() {
  const text = $("translate-text").value.trim();
  const status = $("translate-status");
  status.className = "muted";
  if (!text) { status.textContent = "Paste a description first."; return; }
  status.textContent = "Translating...";
  try {
    const out = await api("/translate", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, schema: state.schema }),
    });
    const rec = out.records[0];
    $("translate-output").textContent = rec.output;
    const body = $("translate-table").querySelector("tbody");
    body.replaceChildren();
    for (const attr of schemaInfo().attributes) {
      const tr = el("tr");
      const term = rec.terms[attr];
      const conf = el("td");
      conf.append(confBar(rec.confidence[attr]));
      tr.append(el("td", attr), el("td", rec.values[attr] ?? ""), conf,
        el("td", term ? `${term.label || ""} (${term.curie})` : ""));
      body.append(tr);
    }
    $("translate-table").classList.remove("hidden");
    status.textContent = `${out.model}, ${out.elapsed_ms} ms`;
  } catch (err) {
    status.className = "error";
    status.textContent = err.message;
  }
}

// ---- search ----
function params(extra) {
  const p = new URLSearchParams({ schema: state.schema, ...extra });
  for (const [attr, value] of Object.entries(state.filters)) p.append("filter", `${attr}:${value}`);
  return p;
}

function renderChips() {
  const box = $("active-filters");
  box.replaceChildren();
  for (const [attr, value] of Object.entries(state.filters)) {
    const chip = el("span", `${attr}: ${value}`, "chip");
    const x = el("button", "\u00d7");
    x.type = "button";
    x.title = `Remove ${attr} filter`;
    x.addEventListener("click", () => { delete state.filters[attr]; state.offset = 0; search(); });
    chip.append(x);
    box.append(chip);
  }
}

function renderFacets(facets) {
  const box = $("facets");
  box.replaceChildren();
  for (const attr of schemaInfo().attributes) {
    if (state.filters[attr] || !facets[attr]) continue;
    const div = el("div", null, "facet");
    div.dataset.attribute = attr;
    div.append(el("h3", attr));
    const ul = el("ul");
    for (const { value, count } of facets[attr]) {
      const a = el("a");
      a.href = "#";
      a.append(el("span", value), el("span", count, "n"));
      a.addEventListener("click", (ev) => {
        ev.preventDefault(); state.filters[attr] = value; state.offset = 0; search();
      });
      const li = el("li"); li.append(a); ul.append(li);
    }
    div.append(ul);
    box.append(div);
  }
}

function renderResults(out) {
  const attrs = schemaInfo().attributes;
  const head = el("tr");
  for (const h of ["GSM", "Title", ...attrs]) head.append(el("th", h));
  $("results").querySelector("thead").replaceChildren(head);
  const body = $("results").querySelector("tbody");
  body.replaceChildren();
  for (const row of out.samples) {
    const tr = el("tr");
    const gsmCell = el("td");
    if (row.url) {
      const a = el("a", row.gsm); a.href = row.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      gsmCell.append(a);
    } else gsmCell.textContent = row.gsm || "";
    tr.append(gsmCell, el("td", row.title || ""));
    for (const attr of attrs) {
      const td = el("td", row.values[attr] ?? "");
      const c = row.confidence[attr];
      if (c !== null && c !== undefined) td.append(el("div", `conf ${Number(c).toFixed(2)}`, "cell-conf"));
      if (row.terms[attr]) td.title = `${row.terms[attr].label || ""} (${row.terms[attr].curie})`;
      tr.append(td);
    }
    body.append(tr);
  }
  const end = Math.min(out.offset + out.samples.length, out.total);
  $("result-count").textContent = out.total
    ? `${out.total} samples (showing ${out.offset + 1}-${end})` : "No samples match.";
  $("prev").disabled = out.offset === 0;
  $("next").disabled = end >= out.total;
}

async function search() {
  const count = $("result-count");
  count.className = "muted";
  if (state.info.samples === null) { count.textContent = "No database loaded (start the server with --db)."; return; }
  renderChips();
  const extra = { offset: state.offset, limit: state.limit };
  const text = $("search-text").value.trim();
  const term = $("search-term").value.trim();
  if (text) extra.text = text;
  if (term) extra.term = term;
  try {
    const [facets, results] = await Promise.all([
      api(`/facets?${params({ limit: 10 })}`), api(`/samples?${params(extra)}`),
    ]);
    renderFacets(facets.facets);
    renderResults(results);
  } catch (err) {
    count.className = "error";
    count.textContent = err.message;
  }
}

async function init() {
  state.info = await api("/info");
  const select = $("schema");
  for (const s of state.info.schemas) {
    const opt = el("option", s.name + (s.in_database ? "" : " (not in database)"));
    opt.value = s.name;
    select.append(opt);
  }
  const first = state.info.schemas.find((s) => s.in_database) || state.info.schemas[0];
  state.schema = first.name;
  select.value = state.schema;
  select.addEventListener("change", () => {
    state.schema = select.value; state.filters = {}; state.offset = 0; updateTranslate(); search();
  });
  $("db-info").textContent = state.info.samples === null ? "no database" : `${state.info.samples} samples`;
  $("translate-go").addEventListener("click", translate);
  $("search-form").addEventListener("submit", (ev) => { ev.preventDefault(); state.offset = 0; search(); });
  $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - state.limit); search(); });
  $("next").addEventListener("click", () => { state.offset += state.limit; search(); });
  updateTranslate();
  search();
}

function updateTranslate() {
  const model = schemaInfo().model;
  $("translate-go").disabled = !model;
  $("translate-status").textContent = model ? `model: ${model}` : `No ${state.schema} model loaded.`;
}

document.addEventListener("DOMContentLoaded", () => {
  init().catch((err) => { $("db-info").textContent = err.message; $("db-info").className = "error"; });
});
