// eventwire dashboard: the event view's review panel (issue 22). An analyst corrects an event
// through POST /events/{id}/corrections with the server's write token, asked once and kept in
// sessionStorage (this tab only) until "Forget token". In the event view, when no field has
// focus: e edits, c confirms, x marks "not an event" (and goes back to the list); u undoes the
// last one-key action. In the form Enter saves and Esc cancels. The server checks every value.
"use strict";

const TOKEN_KEY = "eventwire.token";
const ANALYST_KEY = "eventwire.analyst";
const TEXT_FIELDS = ["mode", "actor_code", "actor_name", "actor_sector", "recipient_code", "recipient_name",
  "recipient_sector", "date", "date_precision", "location_name", "country"];
const UPPER_FIELDS = ["actor_code", "actor_sector", "recipient_code", "recipient_sector", "country"];
const LOCATION_KEYS = { location_name: "name", country: "country", lat: "lat", lon: "lon" };
const review = { event: null, pending: null, undo: null, toastTimer: null, busy: false };

function storage(kind) { try { return window[kind]; } catch (e) { return null; } }
const storedToken = () => (storage("sessionStorage") ? sessionStorage.getItem(TOKEN_KEY) : null);

function showTokenState() {
  $("#token-state").hidden = !storedToken();
}

function askToken(run, why) {
  // Show the token form; ``run`` (the action that needs the token) runs once one is entered.
  review.pending = run;
  const form = $("#token-form");
  form.hidden = false;
  form.token.value = "";
  say("", "", "#edit-message");
  say(why || "Enter the write token to save corrections.", "info");
  form.token.focus();
}

function say(text, kind = "error", where = "#review-message") {
  const node = $(where);
  node.textContent = text || "";
  node.className = `review-message ${text ? kind : ""}`;
}

function problem(status, data) {
  // One line from an error response: FastAPI's 422 list, or the detail string the API sends.
  const detail = data && data.detail;
  if (Array.isArray(detail)) {
    return detail.map((d) => `${(d.loc || []).filter((p) => p !== "body").join(".") || "body"}: ${d.msg}`).join("; ");
  }
  if (status === 403) return `Corrections are disabled on this server (${detail || "no token is set"}).`;
  return typeof detail === "string" ? detail : `HTTP ${status}`;
}

async function postCorrection(eventId, body, where) {
  // POST one correction; the updated event, or null with the reason shown (a 401 re-asks the token).
  const run = async () => {
    let response, data = null;
    try {
      response = await fetch(`events/${encodeURIComponent(eventId)}/corrections`, {
        method: "POST", body: JSON.stringify(body),
        headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: `Bearer ${storedToken()}` },
      });
      try { data = await response.json(); } catch (e) { /* not JSON */ }
    } catch (err) {
      say(`Could not reach the server (${err.message}).`, "error", where);
      return null;
    }
    if (response.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      showTokenState();
      return new Promise((resolve) => askToken(() => run().then(resolve), "The server refused the token: enter it again."));
    }
    if (!response.ok) {
      say(`${response.status === 422 ? "Not saved: " : ""}${problem(response.status, data)}`, "error", where);
      return null;
    }
    return data;
  };
  if (storedToken()) return run();
  return new Promise((resolve) => askToken(() => run().then(resolve)));
}

// -- the panel, the badges and the trail -----------------------------------------------------------

function renderReview(event) {
  // Called by app.js renderEvent: badges, the trail, and a fresh panel for a new event.
  if (!review.event || review.event.event_id !== event.event_id) {
    closeEdit(false);
    say("");
    $("#token-form").hidden = true;
  }
  review.event = event;
  showTokenState();
  const badges = [];
  if (event.review_status === "rejected") badges.push(el("span", { class: "badge rejected" }, "rejected: not an event"));
  if (event.review_status === "confirmed") badges.push(el("span", { class: "badge confirmed" }, "confirmed"));
  if (event.corrected && event.corrections && event.corrections.some((c) => c.field !== "status" && c.op !== "note")) {
    badges.push(el("span", { class: "badge corrected" }, "corrected"));
  }
  if (event.coder_agrees) badges.push(el("span", { class: "badge agrees" }, "coder now agrees"));
  $("#detail-badges").replaceChildren(...badges);
  $("#reject-event").disabled = event.review_status === "rejected";
  $("#confirm-event").disabled = event.review_status === "confirmed";
  renderTrail(event.corrections || []);
}

function renderTrail(rows) {
  $("#trail-box").hidden = !rows.length;
  const shown = (v) => (v === null || v === undefined ? el("span", { class: "muted" }, "–") : v);
  const derived = ["quad_class", "cameo", "score"];  // set by the server with a new type or mode
  $("#trail tbody").replaceChildren(...rows.map((c) => el("tr", { "data-field": c.field, class: derived.includes(c.field) ? "derived" : null },
    el("td", { class: "nowrap" }, new Date(`${c.created_at}Z`).toLocaleString()),
    el("td", {}, c.analyst || ""),
    el("td", {}, c.field === "note" ? "note" : c.field),
    el("td", { class: "before" }, c.op === "note" ? "" : shown(c.before)),
    el("td", { class: "after" }, c.op === "revert" ? el("em", {}, "back to the coder's value") : c.op === "note" ? "" : shown(c.after)),
    el("td", { class: "small" }, c.note || ""))));
}

// -- the edit form ---------------------------------------------------------------------------------

function fillEdit(event) {
  const form = $("#edit-form");
  const types = form.event_type;
  if (!types.options.length) {
    for (const t of PLOVER_TYPES) types.append(el("option", { value: t }, t));
  }
  if (![...types.options].some((o) => o.value === event.event_type)) types.append(el("option", { value: event.event_type }, event.event_type));
  types.value = event.event_type;
  const precision = form.date_precision;  // the coder's own precisions ("publication") listed as they are
  [...precision.options].filter((o) => o.dataset.coded).forEach((o) => o.remove());
  if (event.date_precision && ![...precision.options].some((o) => o.value === event.date_precision)) {
    precision.append(el("option", { value: event.date_precision, "data-coded": "true" }, `${event.date_precision} (as coded)`));
  }
  for (const name of TEXT_FIELDS) form[name].value = event[name] ?? "";
  form.lat.value = event.lat ?? "";
  form.lon.value = event.lon ?? "";
  form.negated.checked = !!event.negated;
  form.hypothetical.checked = !!event.hypothetical;
  form.status.value = event.review_status || "";
  form.note.value = "";
  form.analyst.value = (storage("localStorage") && localStorage.getItem(ANALYST_KEY)) || "";
}

function openEdit() {
  if (!review.event) return;
  fillEdit(review.event);
  say("", "", "#edit-message");
  $("#edit-form").hidden = false;
  $("#edit-open").setAttribute("aria-expanded", "true");
  $("#edit-first").focus();
}

function closeEdit(refocus = true) {
  $("#edit-form").hidden = true;
  $("#edit-open").setAttribute("aria-expanded", "false");
  say("", "", "#edit-message");
  if (refocus) $("#edit-open").focus();
}

function editBody(form, event) {
  // The fields the analyst changed (an emptied one is sent as null), the status, note and analyst.
  const body = {}, location = {};
  const put = (name, value) => { if (name in LOCATION_KEYS) location[LOCATION_KEYS[name]] = value; else body[name] = value; };
  if (form.event_type.value !== event.event_type) body.event_type = form.event_type.value;
  for (const name of TEXT_FIELDS) {
    let value = form[name].value.trim();
    const before = String(event[name] ?? "");
    if (UPPER_FIELDS.includes(name) ? value.toUpperCase() !== before.toUpperCase() : value !== before) put(name, value === "" ? null : value);
  }
  for (const name of ["lat", "lon"]) {
    const value = form[name].value.trim();
    if (value === "" ? event[name] !== null && event[name] !== undefined : Number(value) !== event[name]) {
      put(name, value === "" ? null : (Number.isFinite(Number(value)) ? Number(value) : value));  // the server says what is wrong
    }
  }
  for (const name of ["negated", "hypothetical"]) if (form[name].checked !== !!event[name]) body[name] = form[name].checked;
  const status = form.status.value;
  if (status !== (event.review_status || "")) {
    if (status) body.status = status; else body.revert = ["status"];
  }
  if (Object.keys(location).length) body.location = location;
  const changed = Object.keys(body).length > 0;
  if (form.note.value.trim()) body.note = form.note.value.trim();
  if (form.analyst.value.trim()) body.analyst = form.analyst.value.trim();
  return changed || body.note ? body : null;
}

async function saveEdit(ev) {
  ev.preventDefault();
  const form = $("#edit-form"), event = review.event;
  const body = editBody(form, event);
  if (!body) { say("Nothing to save: no field changed and no note.", "info", "#edit-message"); return; }
  if (body.analyst && storage("localStorage")) localStorage.setItem(ANALYST_KEY, body.analyst);
  say("Saving…", "info", "#edit-message");
  const updated = await postCorrection(event.event_id, body, "#edit-message");
  if (!updated) return;  // the reason is shown
  renderEvent(updated);
  closeEdit();
  say(`Saved: ${Object.keys(body).filter((k) => !["note", "analyst"].includes(k)).join(", ") || "note"}.`, "ok");
}

// -- one-key actions and their undo ------------------------------------------------------------------

function toast(text, undo) {
  review.undo = undo;
  $("#toast-text").textContent = text;
  $("#toast-undo").hidden = !undo;
  $("#toast").hidden = false;
  clearTimeout(review.toastTimer);
  review.toastTimer = setTimeout(() => { $("#toast").hidden = true; review.undo = null; }, 15000);
}

async function setStatus(status) {
  // "Not an event" (x) or "confirm" (c): one POST, no dialog; the toast offers the undo.
  const event = review.event;
  if (!event || review.busy || event.review_status === status) return;
  const previous = event.review_status || null;
  const analyst = storage("localStorage") && localStorage.getItem(ANALYST_KEY);
  review.busy = true;
  try {
    const updated = await postCorrection(event.event_id, { status, ...(analyst ? { analyst } : {}) }, "#review-message");
    if (!updated) return;
    const label = `${event.event_type} ${side(event.actor_code, event.actor_name)} → ${side(event.recipient_code, event.recipient_name)}`;
    const undoBody = previous ? { status: previous } : { revert: ["status"] };
    toast(status === "rejected" ? `Not an event: ${label}.` : `Confirmed: ${label}.`,
      () => undoStatus(event.event_id, undoBody));
    if (status === "rejected") {
      location.hash = state.lastList || "#events";  // next one: back to the list it came from
    } else {
      renderEvent(updated);
      say("Confirmed.", "ok");
    }
  } finally {
    review.busy = false;
  }
}

async function undoStatus(eventId, body) {
  $("#toast").hidden = true;
  review.undo = null;
  const analyst = storage("localStorage") && localStorage.getItem(ANALYST_KEY);
  const updated = await postCorrection(eventId, { ...body, ...(analyst ? { analyst } : {}) }, "#review-message");
  if (!updated) { toast("Undo failed: open the event and set its status.", null); return; }
  toast("Undone.", null);
  if (review.event && review.event.event_id === eventId && !$("#view-event").hidden) renderEvent(updated);
  else route();  // the list shows the event again
}

// -- wiring -------------------------------------------------------------------------------------------

function currentEventId() {
  const [view, ...rest] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
  return view === "event" ? rest.join("/") : null;
}

function onKey(ev) {
  if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
  const typing = ev.target.closest && ev.target.closest("input, select, textarea, [contenteditable=true]");
  if (ev.key === "Escape") {
    if (!$("#token-form").hidden) { cancelToken(); ev.preventDefault(); } else if (!$("#edit-form").hidden) { closeEdit(); ev.preventDefault(); }
    return;
  }
  if (typing) return;
  const key = ev.key.toLowerCase();
  if (key === "u" && review.undo && !$("#toast").hidden) { ev.preventDefault(); review.undo(); return; }
  const onEvent = !$("#view-event").hidden && review.event && review.event.event_id === currentEventId();
  if (!onEvent || !$("#edit-form").hidden || !$("#token-form").hidden) return;
  if (key === "x") { ev.preventDefault(); setStatus("rejected"); }
  else if (key === "c") { ev.preventDefault(); setStatus("confirmed"); }
  else if (key === "e") { ev.preventDefault(); openEdit(); }
}

function cancelToken() {
  $("#token-form").hidden = true;
  review.pending = null;
  say("No token entered: nothing was saved.", "info");
  $("#edit-form").hidden ? $("#view-event").focus() : $("#edit-first").focus();
}

function startReview() {
  $("#edit-open").addEventListener("click", () => ($("#edit-form").hidden ? openEdit() : closeEdit()));
  $("#edit-open").setAttribute("aria-controls", "edit-form");
  $("#edit-open").setAttribute("aria-expanded", "false");
  $("#edit-cancel").addEventListener("click", () => closeEdit());
  $("#reject-event").addEventListener("click", () => setStatus("rejected"));
  $("#confirm-event").addEventListener("click", () => setStatus("confirmed"));
  const form = $("#edit-form");
  form.addEventListener("submit", saveEdit);
  form.addEventListener("keydown", (ev) => {
    // Enter saves from any field (checkboxes and selects too); Esc is handled by onKey
    if (ev.key === "Enter" && !ev.isComposing && ev.target.matches("input, select")) { ev.preventDefault(); form.requestSubmit(); }
  });
  $("#token-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const token = ev.currentTarget.token.value.trim();
    if (!token) return;
    sessionStorage.setItem(TOKEN_KEY, token);
    ev.currentTarget.hidden = true;
    showTokenState();
    say("");
    const run = review.pending;
    review.pending = null;
    if (run) run();
  });
  $("#token-cancel").addEventListener("click", cancelToken);
  $("#token-forget").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    showTokenState();
    say("Token forgotten: the next correction asks for it.", "info");
  });
  $("#toast-undo").addEventListener("click", () => review.undo && review.undo());
  document.addEventListener("keydown", onKey);
  window.addEventListener("hashchange", () => {
    if (!location.hash.startsWith("#event/")) state.lastList = location.hash || "#events";
  });
}

document.addEventListener("DOMContentLoaded", startReview);
