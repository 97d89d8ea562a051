// The Baton dashboard's page: plain DOM, no framework. Every figure comes from the server
// (the views module); this script lays them out, follows a run live (Server-Sent Events) and
// sends decisions. Text is always set as text, never parsed as HTML. Loaded as a module, so
// nothing it declares lands on `window`.

const main = document.getElementById("main");
const SVG = "http://www.w3.org/2000/svg";
const STATUSES = ["pending", "running", "waiting", "succeeded", "failed", "cancelled"];

/** An element: `h("a", { href: "#", class: "x", onclick: fn }, "text", child, [more])`. */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else if (name === "value") element.value = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** Replaces what `element` holds with `children` (nested arrays flattened, empty ones skipped). */
function put(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

function svg(tag, attributes, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes ?? {}))
    element.setAttribute(name, String(value));
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) element.append(child);
  }
  return element;
}

/** Calls the dashboard's API; rejects with the server's message. */
async function api(path, { method = "GET", body } = {}) {
  const response = await fetch(path, {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data;
  try {
    data = JSON.parse(text);
  } catch {
    data = { error: text };
  }
  if (!response.ok) throw new Error(data.error ?? `HTTP ${response.status}`);
  return data;
}

/** `3/5 · 60%`: a run's steps ended of all its steps. */
const progressText = (progress) =>
  progress ? `${progress.completed}/${progress.total} · ${progress.percent}%` : "-";

/** A bar filled to the run's percent, with `3/5 steps · 60%` beside it. */
function progressBar(progress) {
  if (!progress) return null;
  const fill = h("span", { class: "fill" });
  fill.style.width = `${progress.percent}%`;
  return h(
    "span",
    { class: "progress" },
    h("span", { class: "track" }, fill),
    h(
      "b",
      { "data-figure": "progress" },
      `${progress.completed}/${progress.total} steps · ${progress.percent}%`,
    ),
  );
}

const statusBadge = (status) => h("span", { class: `status ${status}` }, status);
const runLink = (runId, text) =>
  h("a", { href: `#/runs/${encodeURIComponent(runId)}` }, text ?? runId);
const number = (value) => Number(value).toLocaleString("en-US");
const errorText = (error) => `${error.name}: ${error.message}`;

function table(headers, rows, { numeric = [], total } = {}) {
  const cell = (tag, value, index) =>
    h(tag, { class: numeric.includes(index) ? "num" : undefined }, value);
  return h(
    "table",
    {},
    h(
      "thead",
      {},
      h(
        "tr",
        {},
        headers.map((header, index) => cell("th", header, index)),
      ),
    ),
    h(
      "tbody",
      {},
      rows.map((row) =>
        h(
          "tr",
          {},
          row.map((value, index) => cell("td", value, index)),
        ),
      ),
      total
        ? h(
            "tr",
            { class: "total" },
            total.map((value, index) => cell("td", value, index)),
          )
        : null,
    ),
  );
}

/** Text with ✓ and ✗ coloured. */
function marked(text) {
  return text
    .split(/([✓✗])/)
    .map((part) =>
      part === "✓"
        ? h("span", { class: "ok" }, part)
        : part === "✗"
          ? h("span", { class: "fail" }, part)
          : part,
    );
}

function showMessage(target, text, isError = false) {
  put(target, h("div", { class: `message${isError ? " error" : ""}` }, text));
}

// ---------------------------------------------------------------------------------------
// Pages, by the address after `#`: /runs, /runs/<id>, /approvals, /schedules.

let leave = () => {};

function route() {
  leave();
  leave = () => {};
  const [path, search] = (location.hash.slice(1) || "/runs").split("?");
  const params = new URLSearchParams(search ?? "");
  const section = path.split("/")[1] || "runs";
  for (const link of document.querySelectorAll("[data-nav]")) {
    link.classList.toggle("active", link.dataset.nav === section);
  }
  const run = /^\/runs\/(.+)$/.exec(path);
  let page;
  if (run) page = runPage(decodeURIComponent(run[1]));
  else if (section === "runs") page = runsPage(params);
  else if (section === "approvals") page = approvalsPage();
  else if (section === "schedules") page = schedulesPage();
  else {
    put(main, h("p", {}, "No such page. ", h("a", { href: "#/runs" }, "See the runs.")));
    return;
  }
  leave = page;
  refreshSummary();
}

async function refreshSummary() {
  try {
    const summary = await api("/api/summary");
    document.getElementById("store").textContent = summary.store;
    const count = document.getElementById("approval-count");
    count.textContent = String(summary.approvals);
    count.hidden = summary.approvals === 0;
  } catch {
    // the page itself says what failed
  }
}

/** Runs `task` every `ms` while the page is shown; returns the function that stops it. */
function every(ms, task) {
  const timer = setInterval(task, ms);
  return () => clearInterval(timer);
}

function failed(error) {
  put(main, h("p", { class: "message error" }, error.message));
}

// --- Runs ------------------------------------------------------------------------------

function runsPage(params) {
  const query = new URLSearchParams();
  for (const key of ["status", "workflow", "from", "to"]) {
    if (params.get(key)) query.set(key, params.get(key));
  }
  const render = (data) => {
    const choose = (name, options) =>
      h(
        "select",
        { name },
        h("option", { value: "" }, "any"),
        options.map((option) =>
          h("option", { value: option, selected: params.get(name) === option }, option),
        ),
      );
    const form = h(
      "form",
      {
        class: "filters",
        onchange: () => applyFilters(form),
        onsubmit: (event) => event.preventDefault(),
      },
      h("label", {}, "Status", choose("status", STATUSES)),
      h("label", {}, "Workflow", choose("workflow", data.workflows)),
      h(
        "label",
        {},
        "From (UTC)",
        h("input", { type: "date", name: "from", value: params.get("from") ?? "" }),
      ),
      h(
        "label",
        {},
        "To (UTC)",
        h("input", { type: "date", name: "to", value: params.get("to") ?? "" }),
      ),
      h("button", { type: "button", onclick: () => (location.hash = "#/runs") }, "Clear"),
    );
    const rows = data.runs.map((run) => [
      runLink(run.id),
      run.workflow,
      statusBadge(run.status),
      progressText(run.progress),
      run.started,
      run.duration,
      number(run.tokens),
      run.cost,
    ]);
    put(
      main,
      h("h1", {}, "Runs"),
      form,
      rows.length === 0
        ? h("p", { class: "muted" }, "No runs match.")
        : table(
            ["run", "workflow", "status", "steps", "started (UTC)", "duration", "tokens", "cost"],
            rows,
            { numeric: [3, 5, 6, 7] },
          ),
    );
  };
  const load = () => api(`/api/runs?${query}`).then(render, failed);
  load();
  return every(5000, () => {
    if (!main.contains(document.activeElement) || document.activeElement === document.body) load();
  });
}

function applyFilters(form) {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (value) query.set(name, String(value));
  location.hash = `#/runs${query.size > 0 ? `?${query}` : ""}`;
}

// --- Approvals -------------------------------------------------------------------------

const approvalKey = (item) => `${item.runId}\u0000${item.stepId}\u0000${item.toolCallId ?? ""}`;

/** A pending approval with a comment box, Approve and Reject. */
function approvalCard(item, { showRun, onDecided }) {
  const comment = h("textarea", {
    placeholder: "Comment (kept with the decision)",
    "data-key": approvalKey(item),
  });
  const result = h("div");
  const decide = async (decision, buttons) => {
    for (const button of buttons) button.disabled = true;
    try {
      const outcome = await api("/api/approvals", {
        method: "POST",
        body: {
          runId: item.runId,
          stepId: item.stepId,
          toolCallId: item.toolCallId,
          decision,
          comment: comment.value,
        },
      });
      const text = `${outcome.approved ? "Approved" : "Rejected"} ${item.tool ? `tool call ${item.tool} of ` : ""}step ${item.stepId} of run ${item.runId}. ${
        outcome.delivery === "stored"
          ? "The decision is in the run's log: a process running the run goes on by itself; otherwise resume it from its page."
          : "The run goes on."
      }`;
      showMessage(result, text);
      onDecided?.(text);
    } catch (error) {
      showMessage(result, error.message, true);
      for (const button of buttons) button.disabled = false;
    }
  };
  const approve = h("button", { class: "approve" }, "Approve");
  const reject = h("button", { class: "reject" }, "Reject");
  approve.addEventListener("click", () => decide("approve", [approve, reject]));
  reject.addEventListener("click", () => decide("reject", [approve, reject]));
  return h(
    "div",
    { class: "card", "data-approval": `${item.runId}/${item.stepId}` },
    h(
      "div",
      { class: "head" },
      h("b", {}, item.tool ? `tool call ${item.tool}` : `step ${item.stepId}`),
      item.tool ? h("span", { class: "muted" }, `in step ${item.stepId}`) : null,
      showRun ? h("span", {}, runLink(item.runId), ` ${item.workflow ?? ""}`) : null,
      h("span", { class: "muted" }, `asked ${item.requested} UTC`),
    ),
    item.message ? h("p", {}, item.message) : null,
    item.input !== undefined ? h("pre", {}, JSON.stringify(item.input, null, 2)) : null,
    comment,
    h("div", { class: "buttons" }, approve, reject),
    result,
  );
}

function approvalsPage() {
  let shown = "";
  const decided = [];
  const load = async () => {
    try {
      const items = await api("/api/approvals");
      const keys = items.map(approvalKey).join("|");
      // Leave the cards alone while they are the same (a comment may be half typed).
      if (keys === shown) return;
      shown = keys;
      keepTyped(main, () => [
        h("h1", {}, "Approvals"),
        h(
          "p",
          { class: "muted" },
          "Steps and tool calls waiting for a decision, oldest first, across every run.",
        ),
        ...decided.map((text) => h("p", { class: "note", "data-decided": "" }, text)),
        items.length === 0
          ? h("p", { class: "muted" }, "Nothing is waiting for a decision.")
          : h(
              "div",
              { class: "cards" },
              items.map((item) =>
                approvalCard(item, {
                  showRun: true,
                  onDecided: (text) => {
                    decided.unshift(text);
                    refreshSummary();
                    load();
                  },
                }),
              ),
            ),
      ]);
    } catch (error) {
      failed(error);
    }
  };
  load();
  return every(4000, load);
}

// --- Schedules -------------------------------------------------------------------------

function schedulesPage() {
  const load = async () => {
    try {
      const data = await api("/api/schedules");
      if (!data.available) {
        put(
          main,
          h("h1", {}, "Schedules"),
          h("p", { class: "muted" }, "This store keeps no schedules."),
        );
        return;
      }
      const toggle = (schedule) =>
        h(
          "button",
          {
            onclick: async (event) => {
              event.target.disabled = true;
              try {
                await api(
                  `/api/schedules/${encodeURIComponent(schedule.id)}/${schedule.paused ? "resume" : "pause"}`,
                  {
                    method: "POST",
                  },
                );
              } catch (error) {
                alert(error.message);
              }
              load();
            },
          },
          schedule.paused ? "Resume" : "Pause",
        );
      put(
        main,
        h("h1", {}, "Schedules"),
        data.schedules.length === 0
          ? h(
              "p",
              { class: "muted" },
              "No schedules. Add them with schedule() from baton-ai/durable.",
            )
          : table(
              ["schedule", "starts", "when", "next (UTC)", "then", "last fired", "state", ""],
              data.schedules.map((schedule) => [
                h("span", { class: "mono" }, schedule.id),
                `${schedule.kind} ${schedule.target}`,
                schedule.trigger,
                schedule.next,
                schedule.upcoming.slice(1).join(", "),
                schedule.last,
                schedule.paused ? "paused" : `active (missed: ${schedule.catchUp})`,
                toggle(schedule),
              ]),
            ),
      );
    } catch (error) {
      failed(error);
    }
  };
  load();
  return () => {};
}

// --- A run -----------------------------------------------------------------------------

function runPage(runId) {
  const sections = {};
  for (const name of [
    "head",
    "actions",
    "approvals",
    "graph",
    "timeline",
    "cost",
    "errors",
    "trace",
    "more",
    "live",
  ]) {
    sections[name] = h("section", { "data-section": name });
  }
  put(main, ...Object.values(sections));
  const live = { source: undefined, log: [], state: "connecting", stopped: false };
  let model;
  let loading;
  let again = false;
  let timer;

  const load = async () => {
    if (loading) {
      again = true;
      return;
    }
    loading = api(`/api/runs/${encodeURIComponent(runId)}`);
    try {
      model = await loading;
      renderRun(model, sections, { reload: load });
      if (!live.source && !live.stopped) follow(model.lastSeq);
    } catch (error) {
      // The first load fails the page; a later one keeps what is shown and says why.
      if (!model) failed(error);
      else console.error(`Reading the run failed: ${error.message}`);
    } finally {
      loading = undefined;
      if (again) {
        again = false;
        load();
      }
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  };
  const renderLive = () => {
    put(
      sections.live,
      h(
        "h2",
        {},
        "Live events ",
        h("span", { class: `live${live.state === "live" ? " on" : ""}` }, live.state),
      ),
      live.log.length === 0
        ? h("p", { class: "muted" }, "Events appear here as the run's log grows.")
        : h(
            "pre",
            { class: "events" },
            live.log.map(
              (event) =>
                `#${event.seq} ${new Date(event.at).toISOString().slice(11, 23)} ${event.type}${
                  event.stepId ? ` ${event.stepId}` : ""
                }${event.tool ? ` ${event.tool}` : ""}\n`,
            ),
          ),
    );
  };
  // The run's log, as the store receives it; each event reads the run again.
  const follow = (afterSeq) => {
    const source = new EventSource(
      `/api/runs/${encodeURIComponent(runId)}/events?after=${afterSeq}`,
    );
    live.source = source;
    source.addEventListener("open", () => {
      live.state = "live";
      renderLive();
    });
    source.addEventListener("log-event", (message) => {
      const { event } = JSON.parse(message.data);
      live.log.unshift({ ...event, seq: Number(message.lastEventId) });
      live.log.length = Math.min(live.log.length, 100);
      renderLive();
      soon();
    });
    source.addEventListener("stream-end", (message) => {
      source.close();
      live.source = undefined;
      live.stopped = true;
      live.state = `ended: ${JSON.parse(message.data).status}`;
      renderLive();
      soon();
    });
    source.addEventListener("error", () => {
      if (live.stopped) return;
      live.state = "reconnecting…";
      renderLive();
    });
  };
  renderLive();
  load();
  // Runs a step started (sub-workflows, delegations) log on their own: look again now and then.
  const stopPolling = every(3000, () => {
    if (model && ["running", "pending"].includes(model.run.status)) load();
  });
  return () => {
    live.stopped = true;
    live.source?.close();
    clearTimeout(timer);
    stopPolling();
  };
}

function renderRun(model, sections, { reload }) {
  const { run } = model;
  put(
    sections.head,
    h("h1", {}, run.workflow ?? "run", " ", statusBadge(run.status)),
    h(
      "div",
      { class: "meta" },
      h("span", { class: "mono" }, run.id),
      progressBar(run.progress),
      h("span", {}, "started ", h("b", {}, run.started), " UTC"),
      h("span", {}, "duration ", h("b", {}, run.duration)),
      h("span", {}, "tokens ", h("b", { "data-figure": "tokens" }, number(run.tokens.total))),
      h("span", {}, "cost ", h("b", { "data-figure": "cost" }, run.cost)),
      run.waitReason ? h("span", {}, "waiting for ", h("b", {}, run.waitReason)) : null,
      run.parentRunId ? h("span", {}, "started by ", runLink(run.parentRunId)) : null,
      run.forkOf
        ? h("span", {}, "forked from ", runLink(run.forkOf), ` at step ${run.fromStep}`)
        : null,
    ),
  );
  renderActions(model, sections.actions);
  renderApprovals(model, sections.approvals, reload);
  put(sections.graph, h("h2", {}, "Steps"), graphView(model.graph));
  put(sections.timeline, h("h2", {}, "Timeline"), timelineView(model.timeline, model.now));
  put(sections.cost, ...costView(model));
  put(sections.errors, ...errorsView(model));
  put(
    sections.trace,
    h("h2", {}, "Tool trace"),
    h("pre", { "data-figure": "trace" }, marked(model.toolTrace)),
  );
  keepOpen(sections.more, () => [
    h("h2", {}, "More"),
    run.output !== null
      ? h("details", { "data-key": "output" }, h("summary", {}, "Output"), h("pre", {}, run.output))
      : null,
    h(
      "details",
      { "data-key": "flowchart" },
      h("summary", {}, "Flowchart"),
      h("pre", {}, marked(model.flowchart)),
    ),
    h(
      "details",
      { "data-key": "mermaid" },
      h("summary", {}, "Mermaid"),
      h("p", { class: "muted" }, "Paste into any Mermaid renderer."),
      h("pre", {}, model.mermaid),
    ),
  ]);
}

/** Re-renders `section`, keeping what was typed in its comment boxes (by `data-key`) and where. */
function keepTyped(section, render) {
  const typed = new Map(
    [...section.querySelectorAll("textarea[data-key]")].map((box) => [box.dataset.key, box.value]),
  );
  const focused = document.activeElement?.dataset?.key;
  put(section, render());
  for (const box of section.querySelectorAll("textarea[data-key]")) {
    box.value = typed.get(box.dataset.key) ?? "";
    if (box.dataset.key === focused) box.focus();
  }
}

/** Re-renders `section`, keeping open whichever of its <details> were open. */
function keepOpen(section, render) {
  const open = new Set(
    [...section.querySelectorAll("details[open]")].map((item) => item.dataset.key),
  );
  put(section, render());
  for (const item of section.querySelectorAll("details")) item.open = open.has(item.dataset.key);
}

function renderActions(model, section) {
  if (section.contains(document.activeElement) && document.activeElement !== document.body) return;
  const { actions, run } = model;
  const result = h("div");
  const busy = async (button, task) => {
    button.disabled = true;
    try {
      await task();
    } catch (error) {
      showMessage(result, error.message, true);
    } finally {
      button.disabled = false;
    }
  };
  const replay = h("button", { disabled: !actions.replay }, "Replay");
  replay.addEventListener("click", () =>
    busy(replay, async () => {
      const replayed = await api(`/api/runs/${encodeURIComponent(run.id)}/replay`, {
        method: "POST",
      });
      put(
        result,
        h(
          "div",
          { class: "message" },
          h("b", {}, replayed.identical ? "Replayed identically" : "The replay differs"),
          ` (offline, no model called; status ${replayed.status}). Served from the recording: ${
            replayed.served.join(", ") || "none"
          }; ran again: ${replayed.reran.join(", ") || "none"}.`,
          replayed.differences.length > 0 ? h("pre", {}, replayed.differences.join("\n")) : null,
        ),
      );
    }),
  );
  const step = h(
    "select",
    { disabled: !actions.fork },
    actions.forkSteps.map((id) => h("option", { value: id }, id)),
  );
  const input = h("textarea", {
    placeholder: "New input as JSON (empty: the same input)",
    rows: 2,
  });
  const fork = h("button", { disabled: !actions.fork }, "Fork");
  fork.addEventListener("click", () =>
    busy(fork, async () => {
      const body = { fromStep: step.value };
      if (input.value.trim() !== "") body.input = JSON.parse(input.value);
      const forked = await api(`/api/runs/${encodeURIComponent(run.id)}/fork`, {
        method: "POST",
        body,
      });
      location.hash = `#/runs/${encodeURIComponent(forked.runId)}`;
    }),
  );
  const resume = actions.resume ? h("button", {}, "Resume") : null;
  resume?.addEventListener("click", () =>
    busy(resume, async () => {
      await api(`/api/runs/${encodeURIComponent(run.id)}/resume`, { method: "POST" });
      showMessage(result, "Resumed in the dashboard's process.");
    }),
  );
  put(
    section,
    h(
      "div",
      { class: "bar-row" },
      replay,
      h("span", { class: "muted" }, "·"),
      fork,
      h("span", { class: "muted" }, "from step"),
      step,
      resume ? h("span", { class: "muted" }, "·") : null,
      resume,
    ),
    actions.fork
      ? h(
          "details",
          { "data-key": "fork-input" },
          h("summary", {}, "Fork with another input"),
          input,
        )
      : null,
    actions.note ? h("p", { class: "muted" }, actions.note) : null,
    result,
  );
}

function renderApprovals(model, section, reload) {
  const keys = model.approvals.map(approvalKey).join("|");
  if (section.dataset.keys === keys) return;
  section.dataset.keys = keys;
  const decided = section.decided ?? [];
  section.decided = decided;
  keepTyped(section, () => [
    ...decided.map((text) => h("p", { class: "note", "data-decided": "" }, text)),
    ...(model.approvals.length === 0
      ? []
      : [
          h("h2", {}, "Waiting for a decision"),
          h(
            "div",
            { class: "cards" },
            model.approvals.map((item) =>
              approvalCard(item, {
                showRun: false,
                onDecided: (text) => {
                  decided.unshift(text);
                  refreshSummary();
                  reload();
                },
              }),
            ),
          ),
        ]),
  ]);
}

/** The step graph: columns by dependency depth, a box per step or started run. */
function graphView(graph) {
  const width = 200;
  const height = 66;
  const columnGap = 56;
  const rowGap = 18;
  const depth = new Map(graph.nodes.map((node) => [node.id, 0]));
  // Longest path from a step no one waits for; bounded by the node count (no cycles here).
  for (let round = 0; round < graph.nodes.length; round++) {
    let changed = false;
    for (const edge of graph.edges) {
      const next = depth.get(edge.from) + 1;
      if (next > depth.get(edge.to)) {
        depth.set(edge.to, next);
        changed = true;
      }
    }
    if (!changed) break;
  }
  const columns = [];
  for (const node of graph.nodes) {
    const column = depth.get(node.id);
    columns[column] ??= [];
    columns[column].push(node);
  }
  const position = new Map();
  for (const [column, nodes] of columns.entries()) {
    for (const [row, node] of (nodes ?? []).entries()) {
      position.set(node.id, {
        x: 12 + column * (width + columnGap),
        y: 12 + row * (height + rowGap),
      });
    }
  }
  const tallest = Math.max(1, ...columns.map((nodes) => nodes?.length ?? 0));
  const edges = graph.edges.map((edge) => {
    const from = position.get(edge.from);
    const to = position.get(edge.to);
    const x1 = from.x + width;
    const y1 = from.y + height / 2;
    const x2 = to.x - 4;
    const y2 = to.y + height / 2;
    const bend = (x2 - x1) / 2;
    return svg("path", {
      class: "edge",
      d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
      "marker-end": "url(#arrow)",
    });
  });
  const cut = (text, max) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
  const nodes = graph.nodes.map((node) => {
    const { x, y } = position.get(node.id);
    const box = svg(
      "g",
      {
        class: `node ${node.kind} ${node.status}`,
        "data-node": node.id,
        "data-status": node.status,
        transform: `translate(${x},${y})`,
      },
      svg("title", {}, [node.label, ...node.detail].join("\n")),
      svg("rect", { width, height, rx: node.kind === "run" ? 14 : 6 }),
      svg("text", { class: "label", x: 10, y: 18 }, cut(node.label, 26)),
      node.detail
        .slice(0, 3)
        .map((line, index) =>
          svg("text", { class: "detail", x: 10, y: 34 + index * 14 }, cut(line, 34)),
        ),
    );
    if (node.kind !== "run") return box;
    return svg("a", { href: `#/runs/${encodeURIComponent(node.runId)}` }, box);
  });
  const picture = svg(
    "svg",
    {
      width: 24 + columns.length * (width + columnGap) - columnGap,
      height: 24 + tallest * (height + rowGap) - rowGap,
    },
    svg(
      "defs",
      {},
      svg(
        "marker",
        {
          id: "arrow",
          viewBox: "0 0 10 10",
          refX: 9,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: "auto",
        },
        svg("path", { class: "arrow", d: "M0,0 L10,5 L0,10 z" }),
      ),
    ),
    edges,
    nodes,
  );
  return h(
    "div",
    {},
    graph.dependenciesKnown
      ? null
      : h(
          "p",
          { class: "muted" },
          "This run did not record which steps wait for which (a workflow defined in code): give the dashboard the workflow to draw them.",
        ),
    h("div", { class: "graph" }, picture),
  );
}

/** The timeline: a bar per run and step from its start to its end (or now). */
function timelineView(rows, now) {
  const started = rows.filter((row) => row.start !== null);
  if (started.length === 0) return h("p", { class: "muted" }, "Nothing has started yet.");
  const first = Math.min(...started.map((row) => row.start));
  const last = Math.max(...started.map((row) => row.end ?? now), first + 1);
  const span = last - first;
  const offset = (ms) => (ms < 1000 ? `+${Math.round(ms)}ms` : `+${(ms / 1000).toFixed(1)}s`);
  const grid = h(
    "div",
    { class: "timeline" },
    h("div", {}),
    h(
      "div",
      { class: "axis" },
      [0, 0.25, 0.5, 0.75, 1].map((share) => h("span", {}, offset(share * span))),
    ),
    h("div", {}),
  );
  for (const row of rows) {
    const label = h(
      "div",
      { class: `label ${row.kind}`, title: row.label },
      row.kind === "run" ? runLink(row.runId, row.label) : row.label,
    );
    label.style.paddingLeft = `${row.depth * 14}px`;
    const track = h("div", { class: "track" });
    if (row.start !== null) {
      const bar = h("div", {
        class: `bar ${row.status}`,
        title: `${row.label}: ${row.status}, ${row.duration}`,
      });
      bar.style.left = `${((row.start - first) / span) * 100}%`;
      bar.style.width = `${(((row.end ?? now) - row.start) / span) * 100}%`;
      track.append(bar);
    }
    grid.append(
      label,
      track,
      h("div", { class: "duration" }, row.start === null ? row.status : row.duration),
    );
  }
  return grid;
}

function costView(model) {
  const { run } = model;
  return [
    h("h2", {}, "Tokens and cost"),
    h(
      "p",
      {},
      `${number(run.tokens.input)} in, ${number(run.tokens.output)} out, ${number(run.tokens.total)} tokens in all. `,
      h("span", { class: "mono" }, model.costLine),
    ),
    h(
      "div",
      { class: "grid2" },
      model.agents.length === 0
        ? null
        : h(
            "div",
            {},
            h("h3", {}, "By agent"),
            table(
              ["agent", "role", "model calls", "tool calls", "input", "output", "models", "tools"],
              model.agents.map((agent) => [
                agent.name,
                agent.role,
                agent.modelCalls,
                agent.toolCalls,
                number(agent.inputTokens),
                number(agent.outputTokens),
                agent.modelCost,
                agent.toolCost,
              ]),
              { numeric: [2, 3, 4, 5, 6, 7] },
            ),
          ),
      model.models.length === 0
        ? null
        : h(
            "div",
            {},
            h("h3", {}, "By model"),
            table(
              ["model", "calls", "failed", "input", "output", "cost"],
              model.models.map((row) => [
                row.name,
                row.calls,
                row.failedCalls,
                number(row.inputTokens),
                number(row.outputTokens),
                row.cost,
              ]),
              { numeric: [1, 2, 3, 4, 5] },
            ),
          ),
      model.tools.length === 0
        ? null
        : h(
            "div",
            {},
            h("h3", {}, "By tool"),
            table(
              ["tool", "calls", "failed", "cost"],
              model.tools.map((row) => [row.name, row.calls, row.failedCalls, row.cost]),
              { numeric: [1, 2, 3] },
            ),
          ),
    ),
    h("h3", {}, "By step"),
    table(
      ["step", "status", "model", "attempts", "input", "output", "time", "cost"],
      model.steps.map((step) => [
        step.runId === run.id
          ? step.id
          : h("span", {}, runLink(step.runId, step.workflow ?? step.runId), ` / ${step.id}`),
        statusBadge(step.status),
        step.model,
        step.attempts,
        number(step.inputTokens),
        number(step.outputTokens),
        step.duration,
        step.cost,
      ]),
      { numeric: [3, 4, 5, 6, 7] },
    ),
  ];
}

function errorLine(error) {
  return [
    h("span", { class: "mono" }, errorText(error)),
    error.code ? h("span", { class: "tag" }, error.code) : null,
    error.statusCode ? h("span", { class: "tag" }, `HTTP ${error.statusCode}`) : null,
    error.isRetryable === undefined
      ? null
      : h("span", { class: "tag" }, error.isRetryable ? "retryable" : "not retryable"),
  ];
}

function errorsView(model) {
  if (model.errors.length === 0) return [];
  return [
    h("h2", {}, "Errors"),
    h(
      "ul",
      { class: "errors" },
      model.errors.map((entry) =>
        h(
          "li",
          {},
          h("b", {}, entry.what),
          entry.runId !== model.run.id ? h("span", {}, " in ", runLink(entry.runId)) : null,
          ": ",
          errorLine(entry.error),
          entry.causes.length === 0
            ? null
            : h(
                "ul",
                { class: "causes" },
                entry.causes.map((cause) =>
                  h("li", {}, `← ${cause.what}: `, errorLine(cause.error)),
                ),
              ),
        ),
      ),
    ),
  ];
}

window.addEventListener("hashchange", route);
route();
setInterval(refreshSummary, 10_000);
