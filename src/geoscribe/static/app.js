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

// ---- sources and evidence ----
const SOURCES = ["stated", "copied", "known", "model"];
const SOURCE_HELP = {
  stated: "stated: read off the record as written",
  copied: "copied: a span of the input text",
  known: "known: a recorded fact about the named entity",
  model: "model: an inference, not written in the text",
};

// [before, marked, after] of text around span [start, end); null when the span does not fit the text.
// Offsets count code points, as Python's do (a JS string index counts UTF-16 units).
function spanParts(text, span) {
  if (!text || !Array.isArray(span) || span.length !== 2) return null;
  const [start, end] = span;
  const chars = Array.from(text);
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start || end > chars.length) return null;
  return [chars.slice(0, start).join(""), chars.slice(start, end).join(""), chars.slice(end).join("")];
}

// Show text in box, with span (if any) in a <mark>; textContent only.
function showInput(box, text, span) {
  const parts = spanParts(text, span);
  if (!parts) { box.replaceChildren(document.createTextNode(text || "")); return false; }
  const mark = el("mark", parts[1]);
  box.replaceChildren(document.createTextNode(parts[0]), mark, document.createTextNode(parts[2]));
  return true;
}

function evidenceNote(source, evidence) {
  const ev = evidence || {};
  const bits = [SOURCE_HELP[source] || ""];
  if (ev.key) bits.push(`key '${ev.key}'` + (ev.field ? ` in ${ev.field}` : ""));
  else if (ev.field) bits.push(`from ${ev.field}`);
  if (ev.basis) bits.push(`recorded in ${ev.basis}`);
  if (ev.not_applicable) bits.push(`not applicable: ${ev.not_applicable}`);
  return bits.filter(Boolean).join("; ");
}

function sourceBadge(source, evidence) {
  if (!SOURCES.includes(source)) return null;
  const badge = el("span", source, `src src-${source}`);
  badge.title = evidenceNote(source, evidence);
  return badge;
}

// Hovering or focusing a value shows its span in the input box; clicking pins it (click again to unpin).
function linkToInput(cell, box, text, evidence) {
  const span = evidence && evidence.span;
  if (!spanParts(text, span)) return;
  cell.classList.add("has-span");
  cell.tabIndex = 0;
  const show = () => { if (!box.pinned) showInput(box, text, span); };
  const hide = () => { if (!box.pinned) showInput(box, text, null); };
  cell.addEventListener("mouseenter", show);
  cell.addEventListener("focus", show);
  cell.addEventListener("mouseleave", hide);
  cell.addEventListener("blur", hide);
  cell.addEventListener("click", () => {
    const again = box.pinned === cell;
    if (box.pinned) box.pinned.classList.remove("pinned");
    box.pinned = again ? null : cell;
    if (box.pinned) cell.classList.add("pinned");
    showInput(box, text, again ? null : span);
  });
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
    const inputBox = $("translate-input");
    inputBox.pinned = null;
    showInput(inputBox, rec.input, null);
    inputBox.classList.remove("hidden");
    const body = $("translate-table").querySelector("tbody");
    body.replaceChildren();
    const source = rec.source || {};
    const evidence = rec.evidence || {};
    for (const attr of schemaInfo().attributes) {
      const tr = el("tr");
      tr.dataset.attribute = attr;
      const term = rec.terms[attr];
      const conf = el("td");
      conf.append(confBar(rec.confidence[attr]));
      const value = el("td", rec.values[attr] ?? "", "value");
      const src = el("td");
      const badge = sourceBadge(source[attr], evidence[attr]);
      if (badge) src.append(badge);
      else if (evidence[attr] && evidence[attr].not_applicable) src.title = `not applicable: ${evidence[attr].not_applicable}`;
      linkToInput(value, inputBox, rec.input, evidence[attr]);
      tr.append(el("td", attr), value, src, conf,
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
    const tr = el("tr", null, "sample");
    const gsmCell = el("td");
    if (row.url) {
      const a = el("a", row.gsm); a.href = row.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      gsmCell.append(a);
    } else gsmCell.textContent = row.gsm || "";
    tr.append(gsmCell, el("td", row.title || ""));
    // the sample's input line, under its values: a value's span lights up in it
    const inputRow = el("tr", null, "input-row");
    const inputCell = el("td");
    inputCell.colSpan = attrs.length + 2;
    const inputBox = el("div", null, "input-line");
    inputBox.pinned = null;
    showInput(inputBox, row.input || "", null);
    inputCell.append(inputBox);
    inputRow.append(inputCell);
    const source = row.source || {};
    const evidence = row.evidence || {};
    for (const attr of attrs) {
      const td = el("td", null, "value");
      td.dataset.attribute = attr;
      td.append(el("div", row.values[attr] ?? "", "v"));
      const meta = el("div", null, "cell-meta");
      const badge = sourceBadge(source[attr], evidence[attr]);
      if (badge) meta.append(badge, " ");
      const c = row.confidence[attr];
      if (c !== null && c !== undefined) meta.append(el("span", `conf ${Number(c).toFixed(2)}`, "cell-conf"));
      td.append(meta);
      const notes = [];
      if (row.terms[attr]) notes.push(`${row.terms[attr].label || ""} (${row.terms[attr].curie})`);
      if (evidence[attr] && evidence[attr].not_applicable) notes.push(`not applicable: ${evidence[attr].not_applicable}`);
      if (notes.length) td.title = notes.join("\n");
      linkToInput(td, inputBox, row.input || "", evidence[attr]);
      tr.append(td);
    }
    body.append(tr, inputRow);
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

if (typeof module !== "undefined") module.exports = { spanParts, evidenceNote };  // node tests only

if (typeof document !== "undefined") document.addEventListener("DOMContentLoaded", () => {
  init().catch((err) => { $("db-info").textContent = err.message; $("db-info").className = "error"; });
});
