// eventwire dashboard: plain JavaScript over the REST API, with ECharts and the world-atlas
// TopoJSON vendored under static/vendor/ (see scripts/vendor_web.sh). No external requests.
"use strict";

const PLOVER_TYPES = ["AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
  "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"];
const QUAD_NAMES = { 1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict" };
const QUAD_COLORS = { 1: "#7fbf7b", 2: "#1b7837", 3: "#f1a340", 4: "#c0392b" };
const PAGE = 50;

const $ = (sel) => document.querySelector(sel);
const state = { charts: {}, world: null, numericToName: {}, mapCountries: {}, summary: null };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
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

const side = (code, name) => code || name || "–";
// A non-state armed party reads as GDELT's Actor1Code and the server's listings write it (SOMREB:
// Somalia's rebels, never the Somali state); the sectors are store/schema.py's NON_STATE_ARMED.
const NON_STATE_ARMED = new Set(["REB", "UAF", "CRM"]);
const party = (code, name, sector) => side(code && NON_STATE_ARMED.has(sector) ? code + sector : code, name);
const fmt = (x, digits = 1) => (x === null || x === undefined ? "" : Number(x).toFixed(digits));
const query = (params) => new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null && v !== undefined && v !== false));
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

function chart(id) {
  // One ECharts instance per container, created on first use (the container must be visible).
  if (!state.charts[id]) state.charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
  return state.charts[id];
}

// -- routing: #events, #dyad/A/B, #map, #map/ISO3, #network, #trends, #event/ID ------------

function route() {
  const [view, ...rest] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
  const name = ["events", "dyad", "map", "network", "trends", "event"].includes(view) ? view : "events";
  document.querySelectorAll(".view").forEach((v) => { v.hidden = v.id !== `view-${name}`; });
  document.querySelectorAll("#tabs a").forEach((a) => a.classList.toggle("active", a.dataset.view === name));
  if (name === "events") loadEventsView();
  else if (name === "dyad") showDyad(rest[0], rest[1]);
  else if (name === "map") showMap(rest[0]);
  else if (name === "network") showNetwork();
  else if (name === "trends") showTrends();
  else if (name === "event") showEvent(rest.join("/"));
  Object.values(state.charts).forEach((c) => c.resize());
}

// -- event tables ----------------------------------------------------------------------------

function eventRow(e) {
  const place = [e.location_name, e.country].filter(Boolean).join(", ");
  const flags = [e.negated ? "negated" : null, e.hypothetical ? "hypothetical" : null].filter(Boolean).join(", ");
  const open = () => { location.hash = `#event/${encodeURIComponent(e.event_id)}`; };
  return el("tr", { "data-id": e.event_id, onclick: open, tabindex: "0", onkeydown: (ev) => { if (ev.key === "Enter") open(); } },
    el("td", {}, e.date || ""),
    el("td", {}, el("span", { class: `type q${e.quad_class}`, title: flags || `quad class ${e.quad_class}: ${QUAD_NAMES[e.quad_class] || ""}` }, e.event_type)),
    el("td", { title: [e.actor_name, e.actor_sector].filter(Boolean).join(" · ") }, party(e.actor_code, e.actor_name, e.actor_sector)),
    el("td", { title: [e.recipient_name, e.recipient_sector].filter(Boolean).join(" · ") },
      party(e.recipient_code, e.recipient_name, e.recipient_sector)),
    el("td", {}, place),
    el("td", { class: "sentence-cell" }, e.sentence || ""),
    el("td", { class: "num", title: `${e.num_documents} document(s), ${e.num_sources} source(s)` }, e.num_mentions),
    el("td", { class: "num" }, fmt(e.score)));
}

async function eventTable(box, params) {
  // A paged table of /events for these filters, with a "Load more" button.
  const table = el("table", { class: "data clickable events" },
    el("thead", {}, el("tr", {}, ...["Date", "Type", "Actor", "Recipient", "Place", "Sentence", "Mentions", "Score"]
      .map((h) => el("th", { class: ["Mentions", "Score"].includes(h) ? "num" : null }, h)))),
    el("tbody"));
  const status = el("p", { class: "muted small" }, "Loading…");
  const more = el("button", { class: "secondary", hidden: "" }, "Load more");
  box.replaceChildren(table, status, more);
  let cursor = null;
  const load = async () => {
    try {
      const page = await getJson(`events?${query({ limit: PAGE, ...params, cursor })}`);
      for (const e of page.events) table.tBodies[0].append(eventRow(e));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      const n = table.tBodies[0].children.length;
      status.textContent = n ? `${n} event${n === 1 ? "" : "s"} shown.` : "No events match.";
    } catch (err) {
      status.textContent = `Could not load events (${err.message}).`;
      status.classList.add("error");
    }
  };
  more.addEventListener("click", load);
  await load();
}

function eventFilters() {
  const form = $("#filters");
  const params = {};
  for (const name of ["actor", "recipient", "either", "type", "quad_class", "country", "language", "since", "until", "q", "sort"]) {
    const value = form[name].value.trim();
    if (value) params[name] = value;
  }
  if (form.include_hypothetical.checked) params.include_hypothetical = "true";
  return params;
}

function loadEventsView() { eventTable($("#events-box"), eventFilters()); }

// -- summary ---------------------------------------------------------------------------------

function renderCounts(summary) {
  const box = $("#counts");
  box.replaceChildren();
  for (const key of ["documents", "rejected", "mentions", "events"]) {
    box.append(el("div", { class: "card" },
      el("div", { class: "value" }, summary[key].toLocaleString()),
      el("div", { class: "label" }, key)));
  }
}

function fillPickers(summary, actors) {
  const select = $("#filters").type;
  for (const type of [...new Set([...PLOVER_TYPES, ...Object.keys(summary.by_type)])]) {
    select.append(el("option", { value: type }, summary.by_type[type] ? `${type} (${summary.by_type[type]})` : type));
  }
  const pick = $("#dyad-select");
  for (const d of summary.top_dyads.filter((d) => d.actor && d.recipient)) {
    pick.append(el("option", { value: `${d.actor}\t${d.recipient}` }, `${d.actor} → ${d.recipient} (${d.events})`));
  }
  const list = $("#actor-list");
  for (const a of actors) list.append(el("option", { value: a.code || a.name }, `${a.name || ""} (${a.events})`));
}

// -- dyad timeline ---------------------------------------------------------------------------

async function showDyad(a, b) {
  const form = $("#dyad-form");
  if (!a || !b) {
    if (!form.a.value && $("#dyad-select").options.length > 1) {
      const [first, second] = $("#dyad-select").options[1].value.split("\t");
      form.a.value = first; form.b.value = second;
    }
    if (form.a.value && form.b.value) { location.hash = `#dyad/${encodeURIComponent(form.a.value)}/${encodeURIComponent(form.b.value)}`; }
    return;
  }
  form.a.value = a; form.b.value = b;
  const both = form.both.checked;
  const title = `${a} ${both ? "↔" : "→"} ${b}`;
  $("#dyad-title").textContent = title;
  let series;
  try {
    series = await getJson(`dyads/${encodeURIComponent(a)}/${encodeURIComponent(b)}/series?${query({ freq: form.freq.value, directed: String(!both) })}`);
  } catch (err) {
    $("#dyad-title").textContent = `${title}: could not load (${err.message})`;
    return;
  }
  const periods = series.points.map((p) => p.period);
  const bars = [1, 2, 3, 4].map((q) => ({
    name: `${q} ${QUAD_NAMES[q]}`, type: "bar", stack: "quad", barMaxWidth: 48, itemStyle: { color: QUAD_COLORS[q] },
    data: series.points.map((p) => p[`quad${q}`]),
  }));
  chart("dyad-chart").setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 50, right: 60, top: 40, bottom: 40 },
    xAxis: { type: "category", data: periods },
    yAxis: [{ type: "value", name: "events", minInterval: 1 }, { type: "value", name: "mean score", min: -10, max: 10 }],
    series: [...bars, {
      name: "mean score", type: "line", yAxisIndex: 1, symbolSize: 8, connectNulls: true,
      itemStyle: { color: "#2f5d8a" }, data: series.points.map((p) => (p.mean_score === null ? null : Number(p.mean_score.toFixed(2)))),
    }],
    graphic: series.points.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "No dated events for this pair", fill: "#66707c", fontSize: 14 } }],
  }, true);
  if (!both) {
    await eventTable($("#dyad-events"), { actor: a, recipient: b });
    return;
  }
  const there = el("div"), back = el("div");
  $("#dyad-events").replaceChildren(el("h3", {}, `${a} → ${b}`), there, el("h3", {}, `${b} → ${a}`), back);
  await Promise.all([eventTable(there, { actor: a, recipient: b }), eventTable(back, { actor: b, recipient: a })]);
}

// -- map ---------------------------------------------------------------------------------------

async function loadWorld() {
  if (state.world) return state.world;
  const topo = await getJson("static/vendor/countries-110m.json");
  const world = topojson.feature(topo, topo.objects.countries);
  world.features = world.features.filter((f) => f.properties.name !== "Antarctica");
  world.features.forEach(clampAntimeridian);
  for (const f of world.features) if (f.id) state.numericToName[f.id] = f.properties.name;
  echarts.registerMap("world", world);
  state.world = world;
  return world;
}

function clampAntimeridian(feature) {
  // world-atlas rings are spherical: Russia and Fiji cross 180°. On a flat map such a ring
  // would streak across the world, so its points on the minority side are pinned to ±180°.
  const polygons = feature.geometry.type === "Polygon" ? [feature.geometry.coordinates] : feature.geometry.coordinates;
  for (const polygon of polygons) {
    for (const ring of polygon) {
      const lons = ring.map((pt) => pt[0]);
      if (Math.max(...lons) - Math.min(...lons) <= 180) continue;
      const east = lons.filter((x) => x > 0).length >= lons.length / 2;
      for (const pt of ring) if (east ? pt[0] < 0 : pt[0] > 0) pt[0] = east ? 180 : -180;
    }
  }
}

async function showMap(country) {
  let data;
  try {
    [, data] = await Promise.all([loadWorld(), getJson("map")]);
  } catch (err) {
    $("#map-country").textContent = `Could not load the map (${err.message}).`;
    return;
  }
  state.mapCountries = {};
  const regions = [];
  for (const c of data.countries) {
    const name = state.numericToName[c.numeric];
    if (!name) continue;
    state.mapCountries[name] = c;
    const dominant = [1, 2, 3, 4].reduce((best, q) => (c[`quad${q}`] > c[`quad${best}`] ? q : best), 1);
    regions.push({ name, itemStyle: { areaColor: QUAD_COLORS[dominant], opacity: 0.85 }, emphasis: { itemStyle: { areaColor: QUAD_COLORS[dominant] } } });
  }
  const points = [1, 2, 3, 4].map((q) => ({
    name: `${q} ${QUAD_NAMES[q]}`, type: "scatter", coordinateSystem: "geo", symbolSize: 9,
    itemStyle: { color: QUAD_COLORS[q], borderColor: "#fff", borderWidth: 1 },
    data: data.features.filter((f) => f.properties.quad_class === q).map((f) => ({
      name: f.properties.location_name, value: f.geometry.coordinates, event: f.properties,
    })),
  }));
  const c = chart("map-chart");
  c.setOption({
    animation: false,
    legend: { bottom: 0 },
    tooltip: {
      formatter: (p) => {
        if (p.seriesType === "scatter") {
          const e = p.data.event;
          return esc(`${e.event_type} ${e.actor || "–"} → ${e.recipient || "–"}, ${e.location_name || ""} ${e.date || ""}`);
        }
        const info = state.mapCountries[p.name];
        return esc(info ? `${p.name}: ${info.events} event(s)` : p.name);
      },
    },
    geo: {
      map: "world", roam: true, zoom: 1.15, itemStyle: { areaColor: "#e8ebef", borderColor: "#b8c0ca" },
      emphasis: { label: { show: false }, itemStyle: { areaColor: "#cdd5de" } }, regions,
    },
    series: points,
  }, true);
  c.off("click");
  c.on("click", (p) => {
    if (p.componentType === "series" && p.data && p.data.event) location.hash = `#event/${encodeURIComponent(p.data.event.event_id)}`;
    else if (p.componentType === "geo") {
      const info = state.mapCountries[p.name];
      location.hash = info ? `#map/${info.country}` : "#map";
      if (!info) $("#map-country").textContent = `${p.name}: no events`;
    }
  });
  if (country) {
    const info = data.countries.find((x) => x.country === country);
    $("#map-country").textContent = `${info && info.name ? info.name : country}: ${info ? info.events : 0} event(s)`;
    await eventTable($("#map-events"), { country });
  } else {
    $("#map-country").textContent = data.countries.length ? "Click a country to list its events." : "No located events yet.";
    $("#map-events").replaceChildren();
  }
}

// -- network -----------------------------------------------------------------------------------

function scoreColor(score) {
  if (score === null || score === undefined) return "#8a94a0";
  const t = Math.max(-1, Math.min(1, score / 10));
  return t < 0 ? `rgba(192, 57, 43, ${0.35 + 0.65 * -t})` : `rgba(27, 120, 55, ${0.35 + 0.65 * t})`;
}

async function showNetwork() {
  const form = $("#network-form");
  let net;
  try {
    net = await getJson(`network?${query({ since: form.since.value, until: form.until.value, limit: form.limit.value })}`);
  } catch (err) {
    chart("network-chart").setOption({ graphic: [{ type: "text", left: "center", top: "middle", style: { text: `Could not load (${err.message})` } }] }, true);
    return;
  }
  const max = Math.max(1, ...net.nodes.map((n) => n.events));
  const maxEdge = Math.max(1, ...net.edges.map((e) => e.events));
  const c = chart("network-chart");
  c.setOption({
    animation: false,
    tooltip: {
      formatter: (p) => esc(p.dataType === "edge"
        ? `${p.data.source} → ${p.data.target}: ${p.data.events} event(s), mean score ${fmt(p.data.mean_score)}`
        : `${p.data.name}: ${p.data.events} event(s)`),
    },
    series: [{
      type: "graph", layout: "force", roam: true, draggable: true,
      force: { repulsion: 160, edgeLength: [50, 130], gravity: 0.14 },
      label: { show: true, position: "right", fontSize: 11 },
      edgeSymbol: ["none", "arrow"], edgeSymbolSize: 7,
      data: net.nodes.map((n) => ({ id: n.id, name: n.id, events: n.events, symbolSize: 8 + 28 * Math.sqrt(n.events / max), itemStyle: { color: "#2f5d8a" } })),
      links: net.edges.map((e) => ({
        source: e.source, target: e.target, events: e.events, mean_score: e.mean_score,
        lineStyle: { width: 1 + 6 * (e.events / maxEdge), color: scoreColor(e.mean_score), curveness: 0.15 },
      })),
    }],
    graphic: net.edges.length ? [] : [{ type: "text", left: "center", top: "middle", style: { text: "No dyads in this period", fill: "#66707c", fontSize: 14 } }],
  }, true);
  c.off("click");
  c.on("click", (p) => {
    if (p.dataType === "edge") location.hash = `#dyad/${encodeURIComponent(p.data.source)}/${encodeURIComponent(p.data.target)}`;
    else if (p.dataType === "node") {
      const filters = $("#filters");
      filters.reset();
      filters.either.value = p.data.id;
      location.hash = "#events";
    }
  });
}

// -- what changed ------------------------------------------------------------------------------

function trendTable(rows, open) {
  if (!rows.length) return el("p", { class: "muted" }, "Nothing to compare yet.");
  return el("table", { class: "data clickable" },
    el("thead", {}, el("tr", {}, ...["", "Last weeks", "Baseline", "Per week now / before", "z"].map((h, i) => el("th", { class: i ? "num" : null }, h)))),
    el("tbody", {}, ...rows.map((r) => el("tr", { onclick: () => open(r) },
      el("td", {}, el("span", { class: `arrow ${r.direction}` }, r.direction === "up" ? "▲" : r.direction === "down" ? "▼" : "■"), " ",
        r.country || `${r.actor} → ${r.recipient}`),
      el("td", { class: "num" }, r.recent),
      el("td", { class: "num" }, r.baseline),
      el("td", { class: "num" }, `${fmt(r.recent_per_week, 2)} / ${fmt(r.baseline_per_week, 2)}`),
      el("td", { class: "num" }, fmt(r.z, 1))))));
}

async function showTrends() {
  let t;
  try {
    t = await getJson("trends");
  } catch (err) {
    $("#trends-note").textContent = `Could not load trends (${err.message}).`;
    return;
  }
  $("#trends-note").textContent = t.as_of
    ? `Conflict events (quad classes 3 and 4) from ${t.recent_since} to ${t.as_of} (the latest event date), against the ${t.baseline_weeks} weeks before (from ${t.baseline_since}). z: how far the last ${t.recent_weeks} weeks' total departs from the baseline's weekly rate, in standard deviations.`
    : "No dated events yet.";
  $("#trends-countries").replaceChildren(trendTable(t.countries, (r) => { location.hash = `#map/${r.country}`; }));
  $("#trends-dyads").replaceChildren(trendTable(t.dyads, (r) => { location.hash = `#dyad/${encodeURIComponent(r.actor)}/${encodeURIComponent(r.recipient)}`; }));
}

// -- one event: its mentions, and the sentence inside its article -------------------------------

async function showEvent(eventId) {
  let event;
  try {
    event = await getJson(`events/${encodeURIComponent(eventId)}`);
  } catch (err) {
    $("#detail-title").textContent = `Could not load event (${err.message}).`;
    $("#mentions").replaceChildren(); $("#detail-fields").replaceChildren();
    return;
  }
  renderEvent(event);
  $("#mentions").replaceChildren();
  event.mentions.forEach((m, i) => {
    const item = el("li", { onclick: () => showMention(m, item) },
      el("div", {}, ...markRoles(m.sentence, m)),
      el("div", { class: "muted small" },
        [m.doc_title || m.doc_id, m.doc_source, m.doc_published, m.section === "title" ? "headline" : null,
          `trigger “${m.trigger}”`, `confidence ${fmt(m.confidence, 2)}`,
          m.negated ? "negated" : null, m.hypothetical ? "hypothetical" : null].filter(Boolean).join(" · ")));
    $("#mentions").append(item);
    if (i === 0) showMention(m, item);
  });
  $("#view-event").focus({ preventScroll: true });  // the one-key actions (review.js) need no click first
}

function renderEvent(event) {
  // The event's title and fields (corrected values; the coder's beside a changed one), and its review panel.
  const coded = event.coded || {};
  const was = (...names) => {
    const before = names.map((n) => coded[n]).filter((v) => v !== null && v !== undefined && v !== "").join(" · ");
    const changed = event.coded && names.some((n) => (coded[n] ?? null) !== (event[n] ?? null));
    return changed ? el("span", { class: "was", title: "as the coder made it" }, `coded: ${before || "–"}`) : null;
  };
  $("#detail-title").replaceChildren(el("span", { class: `type q${event.quad_class}` }, event.event_type), " ",
    `${party(event.actor_code, event.actor_name, event.actor_sector)} → ${party(event.recipient_code, event.recipient_name, event.recipient_sector)}`);
  const fields = $("#detail-fields");
  fields.replaceChildren();
  const add = (label, value, before) => {
    if (value || before) fields.append(el("dt", {}, label), el("dd", {}, value || "–", before ? " " : null, before));
  };
  add("Type", event.event_type, was("event_type"));
  add("Date", event.date ? `${event.date}${event.date_precision ? ` (${event.date_precision})` : ""}` : null, was("date", "date_precision"));
  add("Actor", [event.actor_name, event.actor_code, event.actor_sector].filter(Boolean).join(" · "),
    was("actor_name", "actor_code", "actor_sector"));
  add("Recipient", [event.recipient_name, event.recipient_code, event.recipient_sector].filter(Boolean).join(" · "),
    was("recipient_name", "recipient_code", "recipient_sector"));
  add("Mode / contexts", [event.mode, (event.contexts || []).join(", ")].filter(Boolean).join(" / "), was("mode"));
  add("Place", [event.location_name, event.country].filter(Boolean).join(", "), was("location_name", "country"));
  add("Negated / hypothetical", event.negated || event.hypothetical
    ? [event.negated ? "negated" : null, event.hypothetical ? "hypothetical" : null].filter(Boolean).join(", ") : null,
  was("negated", "hypothetical"));
  add("Quad class / CAMEO / score", `${event.quad_class} ${QUAD_NAMES[event.quad_class] || ""} / ${event.cameo || "–"} / ${fmt(event.score)}`);
  add("Confidence", fmt(event.confidence, 2));
  add("Reported", `${event.num_mentions} mention(s) in ${event.num_documents} document(s), ${event.num_sources} source(s)`);
  add("Event id", event.event_id);
  if (typeof renderReview === "function") renderReview(event);  // review.js: the edit form and the trail
}

function findPhrase(sentence, phrase, taken, wholeWord) {
  // First occurrence of phrase in sentence (case-insensitive) not overlapping a taken span.
  if (!phrase) return null;
  const hay = sentence.toLowerCase(), needle = phrase.toLowerCase();
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    const end = i + needle.length;
    const boundary = !wholeWord || ((i === 0 || !/\w/.test(hay[i - 1])) && (end === hay.length || !/\w/.test(hay[end]) || /^\w+$/.test(needle)));
    if (boundary && !taken.some(([s, e]) => i < e && end > s)) return [i, end];
  }
  return null;
}

function findSpread(sentence, phrase, taken) {
  // A trigger of words apart ("sign pact" in "sign defence cooperation pact"): its first word to its last.
  const words = (phrase || "").split(/\s+/).filter(Boolean);
  if (words.length < 2) return null;
  const first = findPhrase(sentence, words[0], taken, true);
  if (!first) return null;
  const rest = findPhrase(sentence.slice(first[1]), words[words.length - 1], [], true);
  if (!rest) return null;
  const span = [first[0], first[1] + rest[1]];
  return taken.some(([s, e]) => span[0] < e && span[1] > s) ? null : span;
}

function markRoles(sentence, m) {
  // The sentence as nodes with the actor, trigger and recipient wrapped in labelled spans.
  const taken = [], spans = [];
  for (const [role, phrase] of [["actor", m.actor_text], ["recipient", m.recipient_text], ["trigger", m.trigger]]) {
    const hit = findPhrase(sentence, phrase, taken, role === "trigger") || (role === "trigger" && findSpread(sentence, phrase, taken));
    if (hit) { taken.push(hit); spans.push([...hit, role]); }
  }
  spans.sort((x, y) => x[0] - y[0]);
  const nodes = [];
  let at = 0;
  for (const [start, end, role] of spans) {
    nodes.push(sentence.slice(at, start), el("span", { class: `role ${role}`, title: role }, sentence.slice(start, end)));
    at = end;
  }
  nodes.push(sentence.slice(at));
  return nodes;
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
  meta.replaceChildren([doc.doc_id, doc.source, doc.published, doc.kind].filter(Boolean).join(" · "));
  if (doc.url && isWebLink(doc.url)) meta.append(" · ", el("a", { href: doc.url, rel: "noopener noreferrer", target: "_blank" }, "original"));
  const mark = document.querySelector("#document mark");
  if (mark) {
    const box = $("#doc-text");
    if (box.contains(mark)) box.scrollTop = Math.max(0, mark.offsetTop - box.offsetTop - box.clientHeight / 3);
  }
}

function isWebLink(url) {
  try { return ["http:", "https:"].includes(new URL(url, location.href).protocol); } catch (e) { return false; }
}

function renderHighlighted(node, text, mention) {
  // Text nodes only: the document is never parsed as HTML.
  node.replaceChildren();
  const { sentence_start: start, sentence_end: end } = mention || {};
  if (!mention || start < 0 || end > text.length || start >= end) {
    node.append(text);
    return;
  }
  const sentence = text.slice(start, end);
  node.append(text.slice(0, start), el("mark", { id: "event-sentence" }, ...markRoles(sentence, mention)), text.slice(end));
}

// -- live: refresh when new events arrive, and the watcher's state (GET /stats) -----------------

// seconds between two looks at /stats (?refresh=MS in the page's address overrides, for tests)
const REFRESH_MS = Number(new URLSearchParams(location.search).get("refresh")) || 5000;
const when = (iso) => (iso ? new Date(iso).toLocaleString() : "–");

function renderWatch(watch) {
  // The watcher's last and next poll and each source's failures; hidden when the server has no watcher.
  const box = $("#watch");
  if (!watch || !watch.sources || (!watch.sources.length && !watch.polls)) { box.hidden = true; return; }
  box.hidden = false;
  const sources = watch.sources.map((s) => {
    const latest = (s.latest_failures || []).map((f) => `${f.url}: ${f.reason} (×${f.attempts})`).join("; ");
    return el("li", { class: s.failures ? "failed" : null, title: latest || null },
      el("strong", {}, s.source), ` ${s.kind || ""} · ${s.last_status || "not polled"} · ${s.items_seen} seen`,
      s.failures ? ` · ${s.failures} failing${latest ? `: ${latest}` : ""}` : "");
  });
  box.replaceChildren(
    el("span", {}, `Watching ${watch.sources.length} source${watch.sources.length === 1 ? "" : "s"}: `,
      el("span", { id: "last-poll" }, `last poll ${when(watch.last_poll)}`), " · ",
      el("span", { id: "next-poll" }, `next poll ${when(watch.next_poll)}`),
      watch.last_poll_seconds !== null && watch.last_poll_seconds !== undefined ? ` (took ${fmt(watch.last_poll_seconds)} s)` : ""),
    el("ul", { class: "sources" }, ...sources));
}

async function refresh() {
  // One look at /stats: show the watcher; when the store's counts moved, reload the counts and the events table.
  let stats;
  try { stats = await getJson("stats"); } catch (err) { return; }  // the next look tries again
  renderWatch(stats.watch);
  fillLanguages(stats.languages || {});
  const seen = `${stats.tables.events}/${stats.tables.mentions}/${stats.tables.documents}`;
  if (state.seen === undefined) { state.seen = seen; return; }
  if (seen === state.seen) return;
  state.seen = seen;
  try {
    const summary = await getJson("summary?top=30");
    state.summary = summary;
    renderCounts(summary);
    $("#counts").classList.add("fresh");
    setTimeout(() => $("#counts").classList.remove("fresh"), 2000);
  } catch (err) { /* the next look tries again */ }
  const onEvents = !$("#view-events").hidden;
  const paged = $("#events-box tbody") && $("#events-box tbody").children.length > PAGE;
  if (onEvents && !paged) loadEventsView();  // never throw away pages a reader loaded with "Load more"
}

// The language filter offers the languages the store holds documents in (GET /stats).
function fillLanguages(languages) {
  const select = $("#filters").language;
  const have = new Set([...select.options].map((o) => o.value));
  for (const [code, n] of Object.entries(languages)) {
    if (!have.has(code)) select.append(el("option", { value: code }, `${code} (${n} documents)`));
  }
}

// -- start ------------------------------------------------------------------------------------------

async function start() {
  $("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); location.hash === "#events" ? loadEventsView() : (location.hash = "#events"); });
  $("#filters").addEventListener("reset", () => setTimeout(loadEventsView, 0));
  $("#dyad-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const form = ev.currentTarget;
    const hash = `#dyad/${encodeURIComponent(form.a.value.trim())}/${encodeURIComponent(form.b.value.trim())}`;
    if (location.hash === hash) showDyad(form.a.value.trim(), form.b.value.trim()); else location.hash = hash;
  });
  $("#dyad-select").addEventListener("change", (ev) => {
    if (!ev.target.value) return;
    const [a, b] = ev.target.value.split("\t");
    location.hash = `#dyad/${encodeURIComponent(a)}/${encodeURIComponent(b)}`;
  });
  $("#network-form").addEventListener("submit", (ev) => { ev.preventDefault(); showNetwork(); });
  window.addEventListener("resize", () => Object.values(state.charts).forEach((c) => c.resize()));
  try {
    const [health, summary, actors] = await Promise.all([getJson("health"), getJson("summary?top=30"), getJson("actors?limit=500")]);
    $("#version").textContent = `v${health.version}`;
    state.summary = summary;
    renderCounts(summary);
    fillPickers(summary, actors);
  } catch (err) {
    $("#counts").replaceChildren(el("p", { class: "error" }, `Could not load the summary (${err.message}).`));
  }
  window.addEventListener("hashchange", route);
  route();
  await refresh();
  setInterval(refresh, REFRESH_MS);
  document.body.dataset.ready = "true";
}

document.addEventListener("DOMContentLoaded", start);
