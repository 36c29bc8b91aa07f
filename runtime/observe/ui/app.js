// The operations page of a streamc pipeline: it polls the REST API (/api/v1) and draws
// Spark's Streaming tab with uPlot. No framework, no build step; everything it loads is
// embedded in the binary.
"use strict";

const S = {
  app: null,           // the application id
  base: "",            // /api/v1/applications/<id>/streaming
  interval: 1000,      // batch interval, ms
  retained: 1000,
  batches: new Map(),  // batchId -> BatchInfo (completed and failed)
  newest: 0,           // the newest batchId that ended
  shown: 100,          // completed batches listed
  selected: null,      // batchId whose detail is open
  charts: {},
  planKey: "",
  sources: [],
  timer: null,
};

const $ = (sel) => document.querySelector(sel);
const fmtInt = (n) => (n == null ? "–" : Number(n).toLocaleString("en-US"));
function fmtMs(ms) {
  if (ms == null) return "–";
  if (ms < 1) return (ms * 1000).toFixed(0) + " µs";
  if (ms < 1000) return (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) + " ms";
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
  return (ms / 60000).toFixed(1) + " min";
}
const fmtRate = (r) => (r == null ? "–" : (r < 10 ? r.toFixed(2) : Math.round(r).toLocaleString("en-US")) + " records/s");
function fmtBytes(b) {
  if (b == null) return "–";
  const u = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
  return (i ? b.toFixed(1) : b) + " " + u[i];
}
function fmtTime(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}
function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
async function get(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": " + r.status);
  return r.json();
}
function rows(tbody, html) {
  $(tbody).innerHTML = html.join("") || `<tr><td colspan="12" class="sub">none</td></tr>`;
}

// ---- charts ----------------------------------------------------------------------

const metrics = [
  { key: "input", unit: "records/s", color: "#2f6fdb" },
  { key: "sched", unit: "ms", color: "#b7791f" },
  { key: "proc", unit: "ms", color: "#1f8a4c" },
  { key: "total", unit: "ms", color: "#7a5cc4" },
];

function chartWidth(el) { return Math.max(el.clientWidth || el.parentElement.clientWidth, 200); }

function makeTimeline(m, extraSeries) {
  const el = $("#tl-" + m.key);
  const series = [{}, { label: m.key === "input" ? "all sources" : m.unit, stroke: m.color, fill: m.color + "22", width: 1.5, points: { size: 4 } }];
  const palette = ["#d9480f", "#0c8599", "#5f3dc4", "#2b8a3e", "#e67700", "#c2255c"];
  (extraSeries || []).forEach((s, i) => series.push({ label: s, stroke: palette[i % palette.length], width: 1, dash: [4, 3] }));
  return new uPlot({
    width: chartWidth(el), height: 150, series,
    scales: { x: { time: true } },
    axes: [{}, { size: 60, values: (u, vs) => vs.map((v) => (m.unit === "ms" ? fmtMs(v) : fmtInt(v))) }],
    legend: { show: m.key === "input" && (extraSeries || []).length > 0 },
    cursor: { drag: { x: true, y: false } },
  }, [[], [], ...(extraSeries || []).map(() => [])], el);
}

function makeHistogram(m) {
  const el = $("#hi-" + m.key);
  return new uPlot({
    width: 320, height: 150,
    series: [{}, { label: "batches", stroke: m.color, fill: m.color + "88", paths: uPlot.paths.bars({ size: [0.9, 40] }), points: { show: false } }],
    scales: { x: { time: false } },
    axes: [{ values: (u, vs) => vs.map((v) => (m.unit === "ms" ? fmtMs(v) : fmtInt(v))) }, { size: 40 }],
    legend: { show: false },
  }, [[], []], el);
}

// bins cuts values into up to 20 equal bins: [centers, counts].
function bins(values) {
  if (!values.length) return [[], []];
  let lo = Math.min(...values), hi = Math.max(...values);
  if (hi === lo) { hi = lo + 1; }
  const n = Math.min(20, Math.max(5, Math.ceil(Math.sqrt(values.length))));
  const w = (hi - lo) / n, xs = [], ys = new Array(n).fill(0);
  for (let i = 0; i < n; i++) xs.push(lo + w * (i + 0.5));
  for (const v of values) ys[Math.min(n - 1, Math.floor((v - lo) / w))]++;
  return [xs, ys];
}

function drawCharts() {
  const done = [...S.batches.values()].filter((b) => b.status === "COMPLETED").sort((a, b) => a.batchId - b.batchId);
  const xs = done.map((b) => b.batchId / 1000);
  const names = S.sources.map((s) => s.streamName);
  const values = {
    input: done.map((b) => b.inputSize / (S.interval / 1000)),
    sched: done.map((b) => b.schedulingDelayMs),
    proc: done.map((b) => b.processingTimeMs),
    total: done.map((b) => b.totalDelayMs),
  };
  for (const m of metrics) {
    const extra = m.key === "input" && names.length > 1 ? names : [];
    let c = S.charts[m.key];
    if (!c || c.extra.length !== extra.length) {
      if (c) { c.tl.destroy(); c.hi.destroy(); }
      c = S.charts[m.key] = { tl: makeTimeline(m, extra), hi: makeHistogram(m), extra };
    }
    const data = [xs, values[m.key]];
    for (const name of extra) data.push(done.map((b) => (b.sourceInput[name] ?? null) / (S.interval / 1000)));
    c.tl.setData(data);
    c.hi.setData(bins(values[m.key]));
    const el = $("#tl-" + m.key);
    el.dataset.points = String(xs.length);
    $("#hi-" + m.key).dataset.points = String(xs.length);
    if (chartWidth(el) !== c.tl.width) c.tl.setSize({ width: chartWidth(el), height: 150 });
  }
  $("#retained-n").textContent = String(done.length);
}

// ---- batches ---------------------------------------------------------------------

function batchRow(b, failed) {
  const sel = b.batchId === S.selected ? ' class="selected"' : "";
  const rerun = b.rerunAfterRecovery ? ' <span class="badge warn-badge">re-run</span>' : "";
  if (failed) {
    return `<tr data-batch="${b.batchId}"${sel}><td>${fmtTime(b.batchId)}${rerun}</td><td class="num">${fmtInt(b.inputSize)}</td><td class="num">${fmtMs(b.processingTimeMs)}</td><td class="failed mono">${esc(b.firstFailureReason || "")}</td></tr>`;
  }
  const ops = `${b.numCompletedOutputOps}/${b.numTotalOutputOps}` + (b.numFailedOutputOps ? ` <span class="failed">(${b.numFailedOutputOps} failed)</span>` : "");
  const bad = b.badRecords || b.lateRecords ? `${fmtInt(b.badRecords)} / ${fmtInt(b.lateRecords)}` : "";
  return `<tr data-batch="${b.batchId}"${sel}><td>${fmtTime(b.batchId)}${rerun}</td><td class="num">${fmtInt(b.inputSize)}</td><td class="num">${fmtMs(b.schedulingDelayMs)}</td><td class="num">${fmtMs(b.processingTimeMs)}</td><td class="num">${fmtMs(b.totalDelayMs)}</td><td>${ops}</td><td class="num">${bad}</td><td><a href="${S.base}/batches/${b.batchId}">json</a></td></tr>`;
}

function drawBatches(active, stats) {
  const all = [...S.batches.values()].sort((a, b) => b.batchId - a.batchId);
  const completed = all.filter((b) => b.status === "COMPLETED");
  const failed = all.filter((b) => b.status === "FAILED");
  rows("#completed-table tbody", completed.slice(0, S.shown).map((b) => batchRow(b, false)));
  rows("#failed-table tbody", failed.map((b) => batchRow(b, true)));
  $("#completed-shown").textContent = String(Math.min(S.shown, completed.length));
  $("#completed-total").textContent = fmtInt(stats.numTotalCompletedBatches);
  $("#failed-count").textContent = String(failed.length);
  $("#more").hidden = completed.length <= S.shown;
  const act = active.map((b) => `<tr><td>${fmtTime(b.batchId)}</td><td class="num">${fmtInt(b.inputSize)}</td><td class="num">${fmtMs(b.schedulingDelayMs)}</td><td class="num">${fmtMs(b.processingTimeMs)}</td><td>${b.numCompletedOutputOps}/${b.numTotalOutputOps}</td><td>processing${b.rerunAfterRecovery ? " (re-run after recovery)" : ""}</td></tr>`);
  for (let i = 0; i < Math.min(stats.numQueuedBatches, 20); i++) {
    const t = (active.length ? active[0].batchId : S.newest) + S.interval * (i + 1);
    act.push(`<tr><td>${fmtTime(t)}</td><td></td><td></td><td></td><td></td><td>queued</td></tr>`);
  }
  if (stats.numQueuedBatches > 20) act.push(`<tr><td colspan="6" class="sub">and ${fmtInt(stats.numQueuedBatches - 20)} more queued</td></tr>`);
  rows("#active-table tbody", act);
  $("#active-count").textContent = String(stats.numActiveBatches);
}

async function showDetail(id) {
  S.selected = id;
  const [b, ops] = await Promise.all([get(`${S.base}/batches/${id}`), get(`${S.base}/batches/${id}/operations`)]);
  $("#detail").hidden = false;
  $("#detail-id").textContent = `${fmtTime(id)} (${id})`;
  $("#detail-rerun").hidden = !b.rerunAfterRecovery;
  const per = Object.entries(b.sourceInput || {}).map(([k, v]) => `${esc(k)} ${fmtInt(v)}`).join(", ");
  $("#detail-summary").innerHTML = `Status <b>${b.status}</b> · ${fmtInt(b.inputSize)} records${per ? " (" + per + ")" : ""} · scheduling delay ${fmtMs(b.schedulingDelayMs)} · processing ${fmtMs(b.processingTimeMs)} · total delay ${fmtMs(b.totalDelayMs)}` +
    (b.badRecords ? ` · <span class="failed">${fmtInt(b.badRecords)} bad records</span>` : "") + (b.lateRecords ? ` · ${fmtInt(b.lateRecords)} late records` : "") +
    (b.firstFailureReason ? `<br><span class="failed mono">${esc(b.firstFailureReason)}</span>` : "");
  const total = Math.max(b.processingTimeMs, 0.001);
  rows("#detail-stages tbody", (b.stages || []).map((s) => `<tr><td>${esc(s.name)}</td><td class="num">${s.numPartitions}</td><td class="num">${s.inputRecords ? fmtInt(s.inputRecords) : ""}</td><td class="num">${fmtMs(s.durationMs)}</td><td style="width:30%"><div class="bar" style="width:${Math.min(100, (100 * s.durationMs) / total).toFixed(1)}%"></div></td></tr>`));
  rows("#detail-ops tbody", ops.map((o) => `<tr><td>${o.outputOpId}</td><td class="mono">${esc(o.description)}</td><td class="mono">${esc(o.position)}</td><td class="num">${o.records == null ? "–" : fmtInt(o.records)}</td><td class="num">${o.rejectedRecords ? fmtInt(o.rejectedRecords) : ""}</td><td class="num">${o.attempts}</td><td class="num">${fmtMs(o.durationMs)}</td><td>${o.failureReason ? `<span class="failed mono">${esc(o.failureReason)}</span>` : o.endTime ? "succeeded" : "running"}</td></tr>`));
  document.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
  document.querySelectorAll(`tr[data-batch="${id}"]`).forEach((tr) => tr.classList.add("selected"));
}

// ---- sources, outputs, state ------------------------------------------------------

function drawSources(recv) {
  S.sources = recv;
  rows("#sources-table tbody", recv.map((r) => {
    const state = r.isActive === false ? `<span class="failed">${esc(r.state)}</span>` : esc(r.state);
    const err = r.lastErrorMessage ? `<span class="failed mono">${esc(r.lastErrorMessage)}</span><br><span class="sub">${esc(r.lastErrorTime)}</span>` : "";
    const buf = r.bufferedRecords ? `${fmtInt(r.bufferedRecords)}${r.bufferedBytes ? " (" + fmtBytes(r.bufferedBytes) + ")" : ""}` : "";
    return `<tr><td><b>${esc(r.streamName)}</b><br><span class="sub">${esc(r.position)}</span></td><td>${esc(r.kind)}</td><td class="mono">${esc(r.address)}</td><td>${state}</td><td class="num">${fmtInt(r.records)}</td><td class="num">${fmtRate(r.avgEventRate)}</td><td class="num">${r.rateLimit ? fmtRate(r.rateLimit) : "none"}</td><td class="num">${buf}</td><td class="mono">${esc(r.readPosition || "")}</td><td>${err}</td></tr>`;
  }));
  const parts = [];
  for (const r of recv) for (const p of r.partitions || []) parts.push(`<tr><td>${esc(r.streamName)}</td><td>${esc(p.topic)}</td><td class="num">${p.partition}</td><td class="num">${fmtInt(p.nextOffset)}</td><td class="num">${fmtInt(p.endOffset)}</td><td class="num">${fmtInt(p.committedOffset)}</td><td class="num"><b>${fmtInt(p.lag)}</b></td></tr>`);
  $("#partitions").hidden = parts.length === 0;
  rows("#partitions-table tbody", parts);
  const rates = recv.filter((r) => r.avgEventRate != null).map((r) => `${esc(r.streamName)}: ${fmtRate(r.avgEventRate)}`);
  $("#input-sources").innerHTML = recv.length > 1 ? rates.join("<br>") : "";
}

function drawOutputs(outs) {
  rows("#outputs-table tbody", outs.map((o) => `<tr><td>${o.outputOpId}</td><td class="mono">${esc(o.description)}</td><td class="mono">${esc(o.position)}</td><td class="num">${fmtInt(o.runs)}</td><td class="num">${o.records == null ? "–" : fmtInt(o.records)}</td><td class="num">${fmtInt(o.retries)}</td><td class="num">${o.failures ? `<span class="failed">${o.failures}</span>` : 0}</td><td class="num">${fmtInt(o.rejectedRecords)}</td><td class="num">${fmtMs(o.avgDurationMs)}</td><td>${o.lastError ? `<span class="${o.failing ? "failed" : "sub"} mono">${esc(o.lastError)}</span>` : ""}</td></tr>`));
}

function drawCheckpoints(ck) {
  rows("#state-table tbody", ck.state.map((s) => `<tr><td class="mono">${esc(s.name)}</td><td class="mono">${esc(s.type)}</td><td class="mono">${esc(s.position)}</td><td class="num">${s.bytes == null ? "not checkpointed yet" : fmtBytes(s.bytes)}</td></tr>`));
  if (!ck.enabled) {
    $("#ck-summary").textContent = "No checkpoint directory: the run keeps no checkpoints (set checkpoint or --checkpoint).";
    $("#ck-chart").hidden = true;
    rows("#ck-table tbody", []);
    return;
  }
  $("#ck-summary").innerHTML = `${fmtInt(ck.numWritten)} written${ck.numFailed ? `, <span class="failed">${ck.numFailed} failed</span>` : ""} to <span class="mono">${esc(ck.directory)}</span> · average ${fmtMs(ck.avgDurationMs)} · newest ${fmtBytes(ck.lastBytes)}`;
  const list = ck.checkpoints.slice().reverse();
  rows("#ck-table tbody", list.slice(0, 50).map((c) => `<tr><td>${fmtTime(c.batchTime)} (${c.batchTime})</td><td>${esc(c.time)}</td><td class="num">${fmtMs(c.durationMs)}</td><td class="num">${fmtMs(c.saveStateMs)}</td><td class="num">${fmtBytes(c.bytes)}</td><td class="num">${fmtBytes(c.stateBytes)}</td><td>${c.error ? `<span class="failed mono">${esc(c.error)}</span>` : "written"}</td></tr>`));
  const el = $("#ck-chart");
  el.hidden = false;
  const ok = ck.checkpoints.filter((c) => !c.error);
  const data = [ok.map((c) => Date.parse(c.time.replace("GMT", "Z")) / 1000), ok.map((c) => c.durationMs), ok.map((c) => c.bytes)];
  if (!S.charts.ck) {
    S.charts.ck = new uPlot({
      width: chartWidth(el), height: 140,
      series: [{}, { label: "duration", stroke: "#2f6fdb", scale: "ms", points: { size: 5 } }, { label: "file size", stroke: "#b7791f", scale: "b", points: { size: 5 } }],
      axes: [{}, { scale: "ms", size: 60, values: (u, vs) => vs.map(fmtMs) }, { scale: "b", side: 1, size: 70, values: (u, vs) => vs.map(fmtBytes), grid: { show: false } }],
    }, data, el);
  } else {
    S.charts.ck.setData(data);
  }
}

function drawEnvironment(app) {
  rows("#env-table tbody", [`<tr><td>pipeline</td><td class="mono">${esc(app.name)}</td></tr>`, `<tr><td>source file</td><td class="mono">${esc(app.sourceFile)}</td></tr>`, `<tr><td>streamc</td><td class="mono">${esc(app.streamcVersion)}</td></tr>`]
    .concat(app.settings.map((s) => `<tr><td>${esc(s.name)}</td><td class="mono">${esc(s.value)}</td></tr>`)));
}

// ---- the plan picture ------------------------------------------------------------

// parseExplain turns `streamc explain` text into nodes and edges.
function parseExplain(text) {
  const nodes = [], edges = [], byKey = {};
  const add = (key, kind, title, lines) => { const n = { key, kind, title, lines }; nodes.push(n); byKey[key] = n; return n; };
  let stage = null;
  const exch = {};
  for (const line of text.split("\n")) {
    let m;
    if ((m = line.match(/^  s(\d+) (\S+): (\S+) @(\S+) -> (.*)$/))) {
      add("s" + m[1], "source", m[2], [m[3] + " @" + m[4], m[5].replace(/ \(buffers.*$/, "")]);
    } else if ((m = line.match(/^  stage (\d+): partitions ([^;]*)(?:; cut: (.*))?$/))) {
      stage = add("st" + m[1], "stage", "stage " + m[1], ["partitions " + m[2]]);
      stage.cut = m[3] || "";
    } else if (stage && (m = line.match(/^    input  source s(\d+)/))) {
      edges.push({ from: "s" + m[1], to: stage.key, label: "" });
    } else if (stage && (m = line.match(/^    input  kept result of stage (\d+)/))) {
      edges.push({ from: "st" + m[1], to: stage.key, label: "kept" });
    } else if (stage && (m = line.match(/^    input  (x\d+) from stage (\d+)/))) {
      edges.push({ from: "st" + m[2], to: stage.key, label: m[1] + (exch[m[1]] ? " " + exch[m[1]] : ""), shuffle: true });
    } else if (stage && (m = line.match(/^    (fused|head)\s+(.*)$/))) {
      for (const op of m[2].split(" -> ")) stage.lines.push(op);
    } else if (stage && (m = line.match(/^    out\s+(x\d+) -> stage \d+ \(([^)]*)\) (.*)$/))) {
      exch[m[1]] = "(" + m[2].split(",")[0] + ") " + m[3];
    } else if (stage && (m = line.match(/^    keep\s+(.*)$/))) {
      stage.lines.push("keep " + m[1]);
    } else if ((m = line.match(/^  (\d+)\. (\S+) @(\S+) reads stage (\d+)/))) {
      stage = null;
      add("o" + m[1], "output", m[1] + ". " + m[2], ["@" + m[3]]);
      edges.push({ from: "st" + m[4], to: "o" + m[1], label: "" });
    }
  }
  // Exchange labels are known only once the producing stage is read: fill them in.
  for (const e of edges) if (e.shuffle && !e.label.includes("(")) { const x = e.label.split(" ")[0]; if (exch[x]) e.label = x + " " + exch[x]; }
  return { nodes, edges };
}

// runtimeGraph draws what the runtime knows without the plan text: the sources, the
// stages of the newest batch in the order they ran, and the outputs.
function runtimeGraph(plan) {
  const nodes = [], edges = [];
  plan.sources.forEach((s, i) => nodes.push({ key: "s" + i, kind: "source", title: s.name, lines: [s.kind, s.address] }));
  plan.stages.forEach((s, i) => nodes.push({ key: "st" + i, kind: "stage", title: s.name, lines: [s.numPartitions + " partitions"] }));
  plan.outputs.forEach((o, i) => nodes.push({ key: "o" + i, kind: "output", title: (i + 1) + ". " + o.kind, lines: [o.description, "@" + o.position] }));
  const first = plan.stages.length ? "st0" : null;
  plan.sources.forEach((s, i) => first && edges.push({ from: "s" + i, to: first, label: "" }));
  for (let i = 1; i < plan.stages.length; i++) edges.push({ from: "st" + (i - 1), to: "st" + i, label: "then", shuffle: true });
  const last = plan.stages.length ? "st" + (plan.stages.length - 1) : null;
  plan.outputs.forEach((o, i) => edges.push({ from: last || "s0", to: "o" + i, label: "" }));
  return { nodes, edges };
}

function drawPlan(plan) {
  const key = plan.explain + "|" + plan.stages.map((s) => s.name + s.numPartitions).join(",");
  if (key === S.planKey) return;
  S.planKey = key;
  const g = plan.explain ? parseExplain(plan.explain) : runtimeGraph(plan);
  $("#plan-note").textContent = plan.explain
    ? "The physical plan (streamc explain): sources, stages with their fused operators and partitions, exchanges (dashed, with the element type) and outputs."
    : "Sources, the stages the newest batch ran (in order) and the outputs. This binary carries no plan text; `streamc explain` shows the exact graph.";
  $("#plan-text").textContent = plan.explain || "(not embedded in this binary)";
  for (const s of plan.state) {
    g.nodes.push({ key: "state:" + s.name, kind: "state", title: "state", lines: [s.name, s.type, s.bytes == null ? "" : fmtBytes(s.bytes)] });
  }
  // Layers by longest path from the sources.
  const depth = {}, preds = {};
  for (const n of g.nodes) { depth[n.key] = n.kind === "source" ? 0 : n.kind === "state" ? -1 : 1; preds[n.key] = []; }
  for (const e of g.edges) if (preds[e.to]) preds[e.to].push(e.from);
  for (let pass = 0; pass < g.nodes.length; pass++) {
    for (const e of g.edges) if (depth[e.from] != null && depth[e.to] != null && depth[e.to] < depth[e.from] + 1) depth[e.to] = depth[e.from] + 1;
  }
  const maxDepth = Math.max(0, ...Object.values(depth));
  for (const n of g.nodes) if (n.kind === "output") depth[n.key] = maxDepth;
  for (const n of g.nodes) if (n.kind === "state") depth[n.key] = maxDepth + 1;
  const cols = {};
  for (const n of g.nodes) (cols[depth[n.key]] ||= []).push(n);
  const W = 190, GAP = 56, LH = 14;
  const pos = {};
  let height = 0;
  for (const [d, list] of Object.entries(cols)) {
    let y = 10;
    for (const n of list) {
      const lines = n.lines.filter((l) => l !== "");
      const h = 22 + LH * lines.length;
      pos[n.key] = { x: 10 + Number(d) * (W + GAP), y, h, lines };
      y += h + 16;
    }
    height = Math.max(height, y);
  }
  const width = 20 + (maxDepth + 2) * (W + GAP);
  const cut = (s) => (s.length > 30 ? s.slice(0, 29) + "…" : s);
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8a94a6"/></marker></defs>`;
  for (const e of g.edges) {
    const a = pos[e.from], b = pos[e.to];
    if (!a || !b) continue;
    const x1 = a.x + W, y1 = a.y + a.h / 2, x2 = b.x, y2 = b.y + b.h / 2, mx = (x1 + x2) / 2;
    svg += `<g class="edge${e.shuffle ? " shuffle" : ""}"><path class="edge${e.shuffle ? " shuffle" : ""}" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}"/>`;
    if (e.label) svg += `<text x="${mx}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle">${esc(cut(e.label))}</text>`;
    svg += `</g>`;
  }
  for (const n of g.nodes) {
    const p = pos[n.key];
    svg += `<g class="node ${n.kind}" transform="translate(${p.x},${p.y})"><title>${esc(n.title + "\n" + n.lines.join("\n") + (n.cut ? "\ncut: " + n.cut : ""))}</title><rect width="${W}" height="${p.h}"/><text class="title" x="8" y="15">${esc(cut(n.title))}</text>`;
    p.lines.forEach((l, i) => { svg += `<text x="8" y="${31 + i * LH}">${esc(cut(l))}</text>`; });
    svg += `</g>`;
  }
  $("#plan-svg").innerHTML = svg + "</svg>";
}

// ---- polling -----------------------------------------------------------------------

async function poll() {
  try {
    const [stats, fresh, recv, outs, ck] = await Promise.all([
      get(`${S.base}/statistics`), get(`${S.base}/batches?since=${S.newest}`), get(`${S.base}/receivers?eventRates=false`),
      get(`${S.base}/outputs`), get(`${S.base}/checkpoints`),
    ]);
    S.interval = stats.batchDuration;
    S.retained = stats.retainedBatches;
    const active = [];
    for (const b of fresh) {
      if (b.status === "PROCESSING") { active.push(b); continue; }
      S.batches.set(b.batchId, b);
      S.newest = Math.max(S.newest, b.batchId);
    }
    // Keep what the server keeps.
    if (S.batches.size > S.retained) {
      const ids = [...S.batches.keys()].sort((a, b) => a - b);
      for (const id of ids.slice(0, ids.length - S.retained)) S.batches.delete(id);
    }
    const up = fmtMs(stats.uptime);
    const mode = stats.replay ? "replayed" : "live";
    $("#summary").innerHTML = `Running batches of <b>${fmtMs(stats.batchDuration)}</b> (${mode}) for <b>${up}</b> since <b>${esc(stats.startTime)}</b> · <b>${fmtInt(stats.numTotalCompletedBatches)}</b> completed batches, <b id="total-records">${fmtInt(stats.numReceivedRecords)}</b> records` +
      (stats.numFailedBatches ? ` · <span class="failed">${stats.numFailedBatches} failed</span>` : "") +
      (stats.numRecoveredBatches ? ` · ${stats.numRecoveredBatches} re-run after recovery` : "") +
      (stats.recovered ? ` · resumed from the checkpoint of batch ${stats.resumedFromBatch}` : "") +
      ` · <span${stats.numBadRecords ? ' class="failed"' : ""}>${fmtInt(stats.numBadRecords)} bad records</span> · ${fmtInt(stats.numLateRecords)} late records`;
    $("#ready").textContent = stats.ready ? "ready" : "not ready";
    $("#ready").className = "badge " + (stats.ready ? "ok" : "bad");
    $("#not-ready").hidden = stats.ready;
    $("#not-ready").textContent = stats.notReadyReasons.join("; ");
    $("#avg-input").textContent = fmtRate(stats.avgInputRate);
    $("#avg-sched").textContent = fmtMs(stats.avgSchedulingDelay);
    $("#avg-proc").textContent = fmtMs(stats.avgProcessingTime);
    $("#avg-total").textContent = fmtMs(stats.avgTotalDelay);
    drawSources(recv);
    drawCharts();
    drawBatches(active, stats);
    drawOutputs(outs);
    drawCheckpoints(ck);
    if (fresh.length || !S.planKey) drawPlan(await get(`${S.base}/plan`));
    if (S.selected != null && active.some((b) => b.batchId === S.selected)) showDetail(S.selected);
    $("#poll").textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
  } catch (e) {
    $("#poll").textContent = "not reachable: " + e.message;
  }
}

// The page polls at the batch interval, between 1 and 5 seconds, and not at all while
// the tab is hidden: a page left open in the background costs the pipeline nothing.
function schedule() {
  clearTimeout(S.timer);
  if (document.hidden) return;
  S.timer = setTimeout(async () => { await poll(); schedule(); }, Math.min(5000, Math.max(1000, S.interval)));
}

async function start() {
  const apps = await get("api/v1/applications");
  const app = apps[0];
  S.app = app.id;
  S.base = `api/v1/applications/${encodeURIComponent(app.id)}/streaming`;
  document.title = app.name + " · streamc";
  $("#app-name").textContent = app.name;
  $("#api-link").href = S.base + "/statistics";
  drawEnvironment(app);
  for (const t of ["#completed-table", "#failed-table"]) {
    $(t).addEventListener("click", (ev) => {
      const tr = ev.target.closest("tr[data-batch]");
      if (tr && ev.target.tagName !== "A") showDetail(Number(tr.dataset.batch));
    });
  }
  $("#detail-close").onclick = () => { $("#detail").hidden = true; S.selected = null; document.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected")); };
  $("#more").onclick = () => { S.shown += 200; poll(); };
  document.addEventListener("visibilitychange", () => { if (!document.hidden) { poll(); schedule(); } });
  window.addEventListener("resize", () => { for (const c of Object.values(S.charts)) if (c.tl) c.tl.setSize({ width: chartWidth(c.tl.root.parentElement), height: 150 }); });
  await poll();
  schedule();
}

start();
