// The admin page: asks /admin/state every two seconds with the admin token, and draws what it says.
// Node and instance names come from peers: they are written as text, never as markup.

const POLL_MS = 2000;
const HISTORY = 90; // samples per line: three minutes
const COLOURS = ['#2456d6', '#16803c', '#b54708', '#7a2ed6', '#b42318', '#0e7490'];
const SVG = 'http://www.w3.org/2000/svg';
const TOKEN_KEY = 'parley.adminToken';

const status = document.getElementById('status');
const form = document.getElementById('sign-in');
const tokenInput = document.getElementById('token');
const cluster = document.getElementById('cluster');
/** instance id -> { dispatch: [[t, p50, p99]], result: [...] } */
const history = new Map();
let timer = null;

function setStatus(state, text) {
  status.dataset.state = state;
  status.textContent = text;
}

function cell(row, text, attrs = {}) {
  const td = document.createElement('td');
  td.textContent = text;
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'className') td.className = v; else td.dataset[k] = v;
  }
  row.appendChild(td);
}

function ago(ms) {
  if (ms < 1000) return 'now';
  if (ms < 60000) return `${Math.round(ms / 1000)} s ago`;
  return `${Math.round(ms / 60000)} min ago`;
}

function duration(ms) {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function renderJobs(jobs) {
  const dl = document.getElementById('jobs');
  dl.replaceChildren();
  const figures = [['made', jobs.created], ['in flight', jobs.in_flight], ...Object.entries(jobs.ended)
    .map(([state, n]) => [state.toLowerCase().replace(/_/g, ' '), n])];
  for (const [name, value] of figures) {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    dd.dataset.figure = name;
    div.append(dt, dd);
    dl.appendChild(div);
  }
}

function renderInstances(state) {
  const body = document.querySelector('#instances tbody');
  body.replaceChildren();
  for (const i of state.instances) {
    const row = document.createElement('tr');
    row.dataset.instance = i.instance_id;
    cell(row, i.instance_id + (i.instance_id === state.instance_id ? ' (this one)' : ''));
    cell(row, String(i.sessions));
    cell(row, String(i.nodes));
    cell(row, String(i.jobs_created));
    cell(row, String(i.failovers));
    cell(row, `${i.memory.heap_used_mb} / ${i.memory.heap_max_mb ?? '?'}`);
    cell(row, duration(state.now_ms - i.started_ms));
    cell(row, i.draining ? 'draining' : (i.age_ms > 2 * POLL_MS ? `quiet for ${ago(i.age_ms)}` : 'serving'),
      { status: i.draining ? 'DRAINING' : 'READY' });
    body.appendChild(row);
  }
}

function renderNodes(state) {
  const body = document.querySelector('#nodes tbody');
  body.replaceChildren();
  if (state.nodes.length === 0) {
    const row = document.createElement('tr');
    const td = document.createElement('td');
    td.colSpan = 7;
    td.textContent = 'No node is registered.';
    row.appendChild(td);
    body.appendChild(row);
  }
  for (const n of state.nodes) {
    const row = document.createElement('tr');
    row.dataset.node = n.node_id;
    cell(row, n.node_id);
    cell(row, n.status.toLowerCase(), { status: n.status });
    cell(row, n.pairs.map((p) => p.replace('>', ' → ')).join(', '));
    cell(row, n.max_jobs > 0 ? `${n.reserved} / ${n.max_jobs} turns` : `${n.reserved} turns`);
    cell(row, String(n.running));
    cell(row, n.instance_id);
    cell(row, ago(n.heartbeat_age_ms), n.heartbeat_age_ms > 10000 ? { className: 'late' } : {});
    body.appendChild(row);
  }
}

function remember(state) {
  const present = new Set(state.instances.map((i) => i.instance_id));
  for (const id of [...history.keys()]) if (!present.has(id)) history.delete(id);
  for (const i of state.instances) {
    if (!history.has(i.instance_id)) history.set(i.instance_id, { dispatch: [], result: [] });
    const h = history.get(i.instance_id);
    for (const kind of ['dispatch', 'result']) {
      const l = i[`${kind}_latency`];
      h[kind].push([state.now_ms, l.p50_ms, l.p99_ms]);
      if (h[kind].length > HISTORY) h[kind].shift();
    }
  }
}

function svg(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function drawChart(id, kind, now) {
  const chart = document.getElementById(id);
  chart.replaceChildren();
  const [w, h, left, top, bottom] = [600, 160, 44, 10, 18];
  const span = HISTORY * POLL_MS;
  let max = 1;
  for (const hist of history.values()) for (const [, , p99] of hist[kind]) max = Math.max(max, p99);
  max = niceCeiling(max);
  for (const f of [0, 0.5, 1]) {
    const y = top + (h - bottom - top) * (1 - f);
    chart.appendChild(svg('line', { x1: left, x2: w, y1: y + 0.5, y2: y + 0.5, class: 'grid' }));
    const label = svg('text', { x: left - 4, y: y + 4, 'text-anchor': 'end' });
    label.textContent = `${Math.round(max * f)} ms`;
    chart.appendChild(label);
  }
  const axis = svg('text', { x: w, y: h - 4, 'text-anchor': 'end' });
  axis.textContent = 'last 3 min';
  chart.appendChild(axis);
  let c = 0;
  for (const [instance, hist] of history) {
    const colour = COLOURS[c++ % COLOURS.length];
    for (const [index, dash] of [[1, '4 3'], [2, '']]) {
      const points = hist[kind].map((s) => {
        const x = left + (w - left) * (1 - (now - s[0]) / span);
        const y = top + (h - bottom - top) * (1 - s[index] / max);
        return `${x.toFixed(1)},${y.toFixed(1)}`;
      }).join(' ');
      const line = svg('polyline', { points, stroke: colour });
      if (dash) line.setAttribute('stroke-dasharray', dash);
      const title = svg('title', {});
      title.textContent = `${instance} ${index === 1 ? 'p50' : 'p99'}`;
      line.appendChild(title);
      chart.appendChild(line);
    }
  }
}

function niceCeiling(v) {
  const step = 10 ** Math.floor(Math.log10(v));
  return Math.ceil(v / step) * step;
}

let polling = false;

async function poll() {
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token || polling) return; // one question at a time: answers stay in order
  polling = true;
  try {
    await ask(token);
  } finally {
    polling = false;
  }
}

async function ask(token) {
  let response;
  try {
    response = await fetch('/admin/state', { headers: { Authorization: `Bearer ${token}` }, cache: 'no-store' });
  } catch (e) {
    setStatus('reconnecting', 'The server does not answer');
    return;
  }
  if (response.status === 401) {
    sessionStorage.removeItem(TOKEN_KEY);
    stop();
    form.hidden = false;
    cluster.hidden = true;
    setStatus('closed', 'Token refused');
    return;
  }
  if (response.status === 404) {
    stop();
    setStatus('closed', 'The admin page is off on this server (security.adminToken is not set)');
    return;
  }
  if (!response.ok) {
    setStatus('reconnecting', `The server answered ${response.status}`);
    return;
  }
  const state = await response.json();
  form.hidden = true;
  cluster.hidden = false;
  setStatus('live', `${state.instances.length} instance(s), ${state.nodes.length} node(s)`);
  remember(state);
  renderJobs(state.jobs);
  renderInstances(state);
  renderNodes(state);
  drawChart('dispatch-chart', 'dispatch', state.now_ms);
  drawChart('result-chart', 'result', state.now_ms);
}

function start() {
  stop();
  poll();
  timer = setInterval(poll, POLL_MS);
}

function stop() {
  if (timer !== null) clearInterval(timer);
  timer = null;
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim());
  tokenInput.value = '';
  start();
});

if (sessionStorage.getItem(TOKEN_KEY)) start();
