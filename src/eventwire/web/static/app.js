// eventwire dashboard: plain JavaScript, no libraries, no external requests.
"use strict";

const PLOVER_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const PAGE = 50;

const $ = (sel) => document.querySelector(sel);
let nextCursor = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function escapeXml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (e) { /* not JSON */ }
    throw new Error(`${response.status}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}`);
  }
  return response.json();
}

const dyadSide = (code, name) => code || name || "–";
const fmt = (x, digits = 1) => (x === null || x === undefined ? "" : Number(x).toFixed(digits));

// -- summary ---------------------------------------------------------------

function renderCounts(summary) {
  const box = $("#counts");
  box.replaceChildren();
  for (const key of ["documents", "rejected", "mentions", "events"]) {
    box.append(el("div", { class: "card" },
      el("div", { class: "value" }, summary[key].toLocaleString()),
      el("div", { class: "label" }, key)));
  }
}

function renderByType(byType) {
  // Horizontal bar chart as inline SVG markup (all text escaped).
  const rows = Object.entries(byType).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const box = $("#by-type");
  if (!rows.length) { box.textContent = "No events stored yet."; return; }
  const max = Math.max(...rows.map((r) => r[1]));
  const rowH = 22, labelW = 92, countW = 56, width = 560, barW = width - labelW - countW;
  const parts = rows.map(([type, n], i) => {
    const y = i * rowH;
    const w = Math.max(1, Math.round((n / max) * barW));
    return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeXml(type)}</text>` +
      `<rect class="bar" x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 6}" rx="2"><title>${escapeXml(type)}: ${n}</title></rect>` +
      `<text class="count" x="${labelW + w + 6}" y="${y + 15}">${n}</text>`;
  });
  box.innerHTML = `<svg viewBox="0 0 ${width} ${rows.length * rowH}" role="img" aria-label="Events per PLOVER type">${parts.join("")}</svg>`;
}

function renderDyads(dyads) {
  const body = $("#dyads tbody");
  body.replaceChildren();
  for (const d of dyads) {
    body.append(el("tr", {
      title: "Show these events",
      onclick: () => {
        const form = $("#filters");
        form.actor.value = d.actor || "";
        form.recipient.value = d.recipient || "";
        loadEvents();
      },
    }, el("td", {}, d.actor || "–"), el("td", {}, d.recipient || "–"), el("td", { class: "num" }, d.events)));
  }
  if (!dyads.length) body.append(el("tr", {}, el("td", { colspan: 3, class: "muted" }, "No dyads yet.")));
}

function fillTypeSelect(byType) {
  const select = $("#filters").type;
  const types = [...new Set([...PLOVER_TYPES, ...Object.keys(byType)])];
  for (const type of types) {
    select.append(el("option", { value: type }, byType[type] ? `${type} (${byType[type]})` : type));
  }
}

// -- events ---------------------------------------------------------------

function eventQuery(cursor) {
  const form = $("#filters");
  const params = new URLSearchParams({ limit: String(PAGE) });
  for (const name of ["actor", "recipient", "type", "q"]) {
    const value = form[name].value.trim();
    if (value) params.set(name, value);
  }
  if (form.include_hypothetical.checked) params.set("include_hypothetical", "true");
  if (cursor) params.set("cursor", cursor);
  return `events?${params}`;
}

function eventRow(e) {
  const place = [e.location_name, e.country].filter(Boolean).join(", ");
  const flags = [e.negated ? "negated" : null, e.hypothetical ? "hypothetical" : null].filter(Boolean).join(", ");
  return el("tr", { "data-id": e.event_id, onclick: (ev) => showEvent(e.event_id, ev.currentTarget) },
    el("td", {}, e.date || ""),
    el("td", {}, el("span", { class: `type q${e.quad_class}`, title: flags || `quad class ${e.quad_class}` }, e.event_type)),
    el("td", { title: e.actor_sector || "" }, dyadSide(e.actor_code, e.actor_name), e.actor_name && e.actor_code ? el("span", { class: "muted small" }, ` ${e.actor_name}`) : null),
    el("td", { title: e.recipient_sector || "" }, dyadSide(e.recipient_code, e.recipient_name), e.recipient_name && e.recipient_code ? el("span", { class: "muted small" }, ` ${e.recipient_name}`) : null),
    el("td", {}, place),
    el("td", { class: "num" }, e.num_mentions),
    el("td", { class: "num" }, e.num_documents),
    el("td", { class: "num" }, fmt(e.score)));
}

async function loadEvents(append = false) {
  const body = $("#events tbody");
  const status = $("#events-status");
  if (!append) { body.replaceChildren(); nextCursor = null; }
  status.textContent = "Loading…";
  try {
    const page = await getJson(eventQuery(append ? nextCursor : null));
    for (const e of page.events) body.append(eventRow(e));
    nextCursor = page.next_cursor;
    $("#more").hidden = !nextCursor;
    const shown = body.children.length;
    status.textContent = shown ? `${shown} event${shown === 1 ? "" : "s"} shown, newest first.` : "No events match.";
  } catch (err) {
    status.textContent = `Could not load events (${err.message}).`;
    status.classList.add("error");
  }
}

// -- one event: its mentions and the sentence inside its document -------------

async function showEvent(eventId, row) {
  document.querySelectorAll("#events tr.selected").forEach((r) => r.classList.remove("selected"));
  if (row) row.classList.add("selected");
  const panel = $("#detail");
  panel.hidden = false;
  let event;
  try {
    event = await getJson(`events/${encodeURIComponent(eventId)}`);
  } catch (err) {
    $("#detail-title").textContent = `Could not load event (${err.message}).`;
    return;
  }
  $("#detail-title").textContent =
    `${event.event_type}: ${dyadSide(event.actor_code, event.actor_name)} → ${dyadSide(event.recipient_code, event.recipient_name)}`;
  const fields = $("#detail-fields");
  fields.replaceChildren();
  const add = (label, value) => { if (value !== null && value !== undefined && value !== "") fields.append(el("dt", {}, label), el("dd", {}, value)); };
  add("Date", event.date ? `${event.date} (${event.date_precision})` : null);
  add("Actor", [event.actor_name, event.actor_code, event.actor_sector].filter(Boolean).join(" · "));
  add("Recipient", [event.recipient_name, event.recipient_code, event.recipient_sector].filter(Boolean).join(" · "));
  add("Mode / contexts", [event.mode, (event.contexts || []).join(", ")].filter(Boolean).join(" / "));
  add("Place", [event.location_name, event.country].filter(Boolean).join(", "));
  add("Quad class / CAMEO / score", `${event.quad_class} / ${event.cameo || "–"} / ${fmt(event.score)}`);
  add("Confidence", fmt(event.confidence, 2));
  add("Reported", `${event.num_mentions} mention(s) in ${event.num_documents} document(s), ${event.num_sources} source(s)`);
  add("Event id", event.event_id);

  const list = $("#mentions");
  list.replaceChildren();
  event.mentions.forEach((m, i) => {
    const item = el("li", { onclick: () => showMention(m, item) },
      el("div", {}, m.sentence),
      el("div", { class: "muted small" },
        [m.doc_title || m.doc_id, m.doc_source, m.doc_published, `trigger “${m.trigger}”`,
          m.negated ? "negated" : null, m.hypothetical ? "hypothetical" : null].filter(Boolean).join(" · ")));
    list.append(item);
    if (i === 0) showMention(m, item);
  });
}

async function showMention(mention, item) {
  document.querySelectorAll("#mentions li.selected").forEach((li) => li.classList.remove("selected"));
  item.classList.add("selected");
  let doc;
  try {
    doc = await getJson(`documents/${encodeURIComponent(mention.doc_id)}`);
  } catch (err) {
    $("#doc-title").textContent = `Could not load document (${err.message}).`;
    $("#doc-text").replaceChildren();
    return;
  }
  const inTitle = mention.section === "title";
  renderHighlighted($("#doc-title"), doc.title || doc.doc_id, inTitle ? mention : null);
  renderHighlighted($("#doc-text"), doc.text, inTitle ? null : mention);
  const meta = $("#doc-meta");
  meta.replaceChildren([doc.doc_id, doc.source, doc.published].filter(Boolean).join(" · "));
  if (doc.url && isWebLink(doc.url)) meta.append(" · ", el("a", { href: doc.url, rel: "noopener noreferrer", target: "_blank" }, "original"));
  const mark = document.querySelector("#document mark");
  if (mark) mark.scrollIntoView({ block: "center", behavior: "smooth" });
}

function isWebLink(url) {
  try { return ["http:", "https:"].includes(new URL(url, location.href).protocol); } catch (e) { return false; }
}

function renderHighlighted(node, text, mention) {
  // Text nodes only: the document is never parsed as HTML.
  node.replaceChildren();
  if (!mention || mention.sentence_start < 0 || mention.sentence_end > text.length || mention.sentence_start >= mention.sentence_end) {
    node.append(text);
    return;
  }
  node.append(text.slice(0, mention.sentence_start),
    el("mark", {}, text.slice(mention.sentence_start, mention.sentence_end)),
    text.slice(mention.sentence_end));
}

// -- start ------------------------------------------------------------------

async function start() {
  $("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); loadEvents(); });
  $("#filters").addEventListener("reset", () => setTimeout(loadEvents, 0));
  $("#more").addEventListener("click", () => loadEvents(true));
  try {
    const [health, summary] = await Promise.all([getJson("health"), getJson("summary")]);
    $("#version").textContent = `v${health.version}`;
    renderCounts(summary);
    renderByType(summary.by_type);
    renderDyads(summary.top_dyads);
    fillTypeSelect(summary.by_type);
  } catch (err) {
    $("#counts").replaceChildren(el("p", { class: "error" }, `Could not load the summary (${err.message}).`));
  }
  loadEvents();
}

document.addEventListener("DOMContentLoaded", start);
