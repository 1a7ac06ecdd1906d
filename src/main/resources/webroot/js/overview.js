// The overview: tiles, the queues table, per-queue charts, pools, nodes and system charts, all fed by the
// snapshots that each node publishes on busbar.stats (and by /api/stats/history when the page opens).

import {LineChart, Sparkline} from './linechart.js';
import * as f from './format.js';
import {h, $} from './dom.js';

const GONE_AFTER_INTERVALS = 5;
const POOL_COLORS = ['--s1', '--s2', '--s3', '--s5', '--s6', '--s7', '--s4'];

const sum = (list, pick) => list.reduce((acc, x) => acc + (pick(x) || 0), 0);

/** Tiles: label, how to read the value from a snapshot, format, colour of the sparkline, sub text. */
const TILES = [
  {key: 'waiting', label: 'Waiting', color: '--s1', fmt: f.count,
    value: (s) => sum(s.queues, (q) => q.length),
    sub: (s) => `in ${s.queues.length} queue${s.queues.length === 1 ? '' : 's'}`},
  {key: 'running', label: 'Running', color: '--s2', fmt: f.count,
    value: (s) => sum(s.queues, (q) => q.running),
    sub: (s) => `of ${sum(s.pools, (p) => p.limit)} slots in ${s.pools.length} pool${s.pools.length === 1 ? '' : 's'}`},
  {key: 'arrivals', label: 'Arrivals', color: '--s5', fmt: f.rate,
    value: (s) => sum(s.queues, (q) => q.arrivalRate), sub: () => 'λ, jobs per second'},
  {key: 'completed', label: 'Completed', color: '--s3', fmt: f.rate,
    value: (s) => sum(s.queues, (q) => q.completionRate), sub: () => 'jobs per second'},
  {key: 'processed', label: 'Processed', color: '--s6', fmt: f.count,
    value: (s) => sum(s.queues, (q) => sum(Object.values(q.finished || {}), (n) => n)),
    sub: (s) => {
      const dead = sum(s.queues, (q) => (q.finished || {}).dead_lettered);
      const cancelled = sum(s.queues, (q) => (q.finished || {}).cancelled);
      return `${f.count(dead)} dead-lettered · ${f.count(cancelled)} cancelled`;
    }},
  {key: 'clients', label: 'Clients', color: '--s7', fmt: f.count,
    value: (s) => s.gateway ? sum(Object.values(s.gateway.connections), (n) => n) : null,
    sub: (s) => s.gateway ? `${f.count(s.gateway.subscriptions)} subscriptions` : 'metrics disabled'},
];

export class Overview {
  constructor() {
    this.nodes = new Map();        // node name → {snapshot, previous, seenAt}
    this.selected = null;          // the node whose queues are shown
    this.queueViews = new Map();   // queue name → {section, summary, charts, types}
    this.tiles = TILES.map((t) => this.tile(t));
    this.systemCharts = null;
    this.poolKey = '';
    this.listeners = [];
    this.chosen = false;           // the operator picked a node
    // Nodes that stop reporting turn grey even when no snapshot arrives any more.
    setInterval(() => this.renderNodes(), 2000);
  }

  /** The node that served the page: shown unless the operator picked another. */
  prefer(name) {
    if (!this.chosen && name && this.nodes.has(name)) this.select(name, false);
  }

  /** Calls fn(snapshot) for each snapshot of the selected node (other views use the queue names and job types). */
  onSnapshot(fn) {
    this.listeners.push(fn);
  }

  /** The latest snapshot of the selected node, or null. */
  latest() {
    const node = this.nodes.get(this.selected);
    return node ? node.snapshot : null;
  }

  tile(t) {
    const value = h('div', {class: 'value'}, '–');
    const sub = h('div', {class: 'sub'});
    const canvas = h('canvas');
    const el = h('div', {class: 'tile', dataset: {tile: t.key}}, h('div', {class: 'label'}, t.label), value, sub, canvas);
    $('tiles').append(el);
    return {...t, el, valueEl: value, subEl: sub, spark: new Sparkline(canvas, {color: t.color})};
  }

  /** Adds one snapshot (from the bus or the history). */
  add(snapshot) {
    const name = snapshot.node.name;
    const node = this.nodes.get(name);
    if (node && snapshot.seq <= node.snapshot.seq && snapshot.node.startedAt === node.snapshot.node.startedAt) return;
    this.nodes.set(name, {snapshot, previous: node ? node.snapshot : null, seenAt: Date.now()});
    if (this.selected == null) this.selected = name;
    if (name === this.selected) this.show(snapshot, node ? node.snapshot : null);
    this.renderNodes();
  }

  /** Draws every chart again (after a theme change). */
  redraw() {
    for (const view of this.queueViews.values()) for (const c of Object.values(view.charts)) c.schedule();
    if (this.systemCharts) for (const c of Object.values(this.systemCharts)) c.schedule();
    for (const t of this.tiles) t.spark.draw();
  }

  select(name, byOperator = true) {
    if (byOperator) this.chosen = true;
    if (name === this.selected || !this.nodes.has(name)) return;
    this.selected = name;
    for (const view of this.queueViews.values()) for (const c of Object.values(view.charts)) c.clear();
    this.show(this.nodes.get(name).snapshot, null);
    this.renderNodes();
  }

  show(s, previous) {
    for (const t of this.tiles) {
      const v = t.value(s);
      t.valueEl.textContent = t.fmt(v);
      t.subEl.textContent = t.sub(s);
      t.el.dataset.value = v == null ? '' : String(v);
      t.spark.push(v);
    }
    this.renderQueuesTable(s);
    for (const q of s.queues) this.renderQueue(q, s.time);
    this.renderPools(s);
    this.renderSystem(s, previous);
    $('node-name').textContent = s.node.name;
    for (const fn of this.listeners) fn(s);
  }

  renderQueuesTable(s) {
    const rows = s.queues.map((q) => {
      const dead = (q.finished || {}).dead_lettered || 0;
      return h('tr', {class: 'clickable', dataset: {queue: q.name}, onclick: () => this.reveal(q.name)},
        h('td', null, h('div', {class: 'name'}, q.name), h('div', {class: 'note'}, `${q.policy} · pool ${q.pool}`)),
        h('td', {class: 'num'}, f.count(q.length)),
        h('td', {class: 'num'}, f.count(q.running)),
        h('td', {class: 'num'}, f.rate(q.arrivalRate)),
        h('td', {class: 'num'}, f.rate(q.completionRate)),
        h('td', {class: 'num'}, q.serviceRate == null ? '–' : f.rate(q.serviceRate)),
        h('td', {class: 'num'}, rhoCell(q.utilisation)),
        h('td', {class: 'num'}, f.ms(q.meanWaitMs)),
        h('td', {class: 'num'}, predicted(q)),
        h('td', {class: 'num'}, f.ms(q.wait && q.wait.p95)),
        h('td', {class: 'num' + (dead ? ' bad' : '')}, f.count(dead)));
    });
    const body = $('queues-table').tBodies[0];
    body.replaceChildren(...(rows.length ? rows : [h('tr', null, h('td', {class: 'empty', colSpan: 11}, 'no queues on this node'))]));
    $('queues-sub').textContent = s.jobs && s.jobs.store ? `store: ${s.jobs.store}` : '';
  }

  reveal(queue) {
    const view = this.queueViews.get(queue);
    if (!view) return;
    view.section.open = true;
    view.section.scrollIntoView({behavior: 'smooth', block: 'start'});
  }

  queueView(q) {
    let view = this.queueViews.get(q.name);
    if (view) return view;
    const summary = h('summary');
    const grid = h('div', {class: 'charts'});
    const types = h('div', {class: 'types'});
    const active = (q) => q.submitted > 0 || q.length > 0 || q.running > 0;
    const section = h('details', {class: 'card queue-section', open: active(q), dataset: {queue: q.name}},
      summary, grid, types);
    // An idle queue starts folded, and unfolds when jobs arrive unless the operator folded or unfolded it.
    summary.addEventListener('click', () => { view.touched = true; });
    $('queue-sections').append(section);
    const chart = (key, options) => {
      const el = h('div', {dataset: {chart: `${q.name}/${key}`}});
      grid.append(el);
      return new LineChart(el, options);
    };
    const charts = {
      length: chart('length', {title: 'Queue length', unit: 'count', series: [
        {key: 'n', label: 'waiting n', color: '--s1', area: true},
        {key: 'running', label: 'running', color: '--s2'}]}),
      throughput: chart('throughput', {title: 'Throughput', unit: 'rate', series: [
        {key: 'lambda', label: 'arrivals λ', color: '--s5'},
        {key: 'done', label: 'completed', color: '--s3', area: true},
        {key: 'capacity', label: 'capacity cμ', color: '--faint', dash: true, reference: 3}]}),
      utilisation: chart('utilisation', {title: 'Utilisation ρ', unit: 'percent', floor: 1, series: [
        {key: 'rho', label: 'ρ = λ / cμ', color: '--s2', area: true}]}),
      wait: chart('wait', {title: 'Wait, measured (last 2 min)', unit: 'ms', series: [
        {key: 'p50', label: 'p50', color: '--s3'},
        {key: 'p95', label: 'p95', color: '--s2'},
        {key: 'p99', label: 'p99', color: '--s4'}]}),
      predicted: chart('predicted', {title: 'Predicted vs measured wait', unit: 'ms', series: [
        {key: 'predicted', label: 'predicted (M/M/c)', color: '--s5', dash: true},
        {key: 'measured', label: 'measured mean', color: '--s1'}]}),
      service: chart('service', {title: 'Service time', unit: 'ms', series: [
        {key: 'p50', label: 'p50', color: '--s3'},
        {key: 'p95', label: 'p95', color: '--s2'},
        {key: 'p99', label: 'p99', color: '--s4'}]}),
    };
    view = {section, summary, charts, types, active, touched: false};
    this.queueViews.set(q.name, view);
    return view;
  }

  renderQueue(q, time) {
    const view = this.queueView(q);
    if (!view.touched && !view.section.open && view.active(q)) view.section.open = true;
    const c = view.charts;
    const wait = q.wait || {};
    const service = q.service || {};
    c.length.push(time, {n: q.length, running: q.running});
    c.throughput.push(time, {lambda: q.arrivalRate, done: q.completionRate,
      capacity: q.serviceRate == null ? null : q.serviceRate * q.poolLimit});
    c.utilisation.push(time, {rho: q.utilisation});
    c.wait.push(time, {p50: wait.p50, p95: wait.p95, p99: wait.p99});
    c.predicted.push(time, {predicted: q.predictedWaitMs, measured: q.meanWaitMs});
    c.service.push(time, {p50: service.p50, p95: service.p95, p99: service.p99});

    const chip = (label, value) => h('span', {class: 'chip'}, label, h('b', null, value));
    view.summary.replaceChildren(...present(
      h('span', {class: 'qname'}, q.name),
      chip('policy', q.policy), chip('pool', q.pool), chip('n', f.count(q.length)), chip('running', f.count(q.running)),
      chip('ρ', f.percent(q.utilisation)), chip('predicted wait', predicted(q)),
      q.delayed ? chip('delayed', f.count(q.delayed)) : null,
      chip('max queued', f.count(q.maxQueued))));
    const types = q.types || [];
    if (!types.length) {
      view.types.replaceChildren(h('div', {class: 'note'}, 'No job has run on this queue yet.'));
      return;
    }
    view.types.replaceChildren(...present(
      h('table', null,
        h('thead', null, h('tr', null, h('th', null, 'Job type'), h('th', {class: 'num'}, 'Runs'),
          h('th', {class: 'num'}, 'Runs, last 2 min'), h('th', {class: 'num'}, 'Mean'), h('th', {class: 'num'}, 'p50'),
          h('th', {class: 'num'}, 'p95'), h('th', {class: 'num'}, 'p99'), h('th', {class: 'num'}, 'Max'))),
        h('tbody', null, types.map((t) => h('tr', {dataset: {type: t.type, count: String(t.count), p50: String(t.p50 ?? '')}},
          h('td', null, t.type), h('td', {class: 'num'}, f.count(t.count)),
          h('td', {class: 'num'}, f.count(t.recent)), h('td', {class: 'num'}, f.ms(t.meanMs)),
          h('td', {class: 'num'}, f.ms(t.p50)), h('td', {class: 'num'}, f.ms(t.p95)), h('td', {class: 'num'}, f.ms(t.p99)),
          h('td', {class: 'num'}, f.ms(t.maxMs)))))),
      service.mixed ? h('div', {class: 'note'}, 'The service-time chart mixes several job types: its percentiles are '
        + 'the types\' percentiles weighted by their recent runs, an approximation; this table has the exact ones.') : null));
  }

  renderPools(s) {
    const rows = s.pools.map((p) => {
      const limit = Math.max(p.limit || 0, p.threads || 0, 1);
      const kind = p.kind === 'elastic' ? `elastic ${p.min}–${p.max}` : p.kind || '';
      const idle = Math.max(0, (p.threads || 0) - (p.busy || 0));
      return h('tr', {class: 'pool-row', dataset: {pool: p.name}},
        h('td', null, h('span', {class: 'name'}, p.name), h('div', {class: 'note'}, kind)),
        h('td', null, h('div', {class: 'pool-bar', title: `${p.busy} busy, ${idle} idle, ${p.threads} threads, limit ${p.limit}`},
          h('i', {class: 'threads', style: {width: pct(p.threads, limit)}}),
          h('i', {class: 'busy', style: {width: pct(p.busy, limit)}}))),
        h('td', {class: 'num'}, h('b', null, f.count(p.busy)), ' busy · ', f.count(idle), ' idle · ',
          f.count(p.threads), ' threads · limit ', f.count(p.limit)));
    });
    $('pools-table').tBodies[0].replaceChildren(...(rows.length ? rows
      : [h('tr', null, h('td', {class: 'empty'}, 'no job pools on this node'))]));
    const workers = (s.workers || []).map((w) => h('tr', null, h('td', null, w.name),
      h('td', {class: 'num'}, f.count(w.inUse)), h('td', {class: 'num'}, f.count(w.pending))));
    $('workers-table').tBodies[0].replaceChildren(...(workers.length ? workers
      : [h('tr', null, h('td', {class: 'empty', colSpan: 3}, s.workers ? 'none' : 'metrics disabled'))]));
  }

  renderSystem(s, previous) {
    const key = s.pools.map((p) => p.name).join(',');
    if (!this.systemCharts || key !== this.poolKey) {
      this.poolKey = key;
      const box = $('system-charts');
      box.replaceChildren();
      const chart = (name, options) => {
        const el = h('div', {dataset: {chart: 'system/' + name}});
        box.append(el);
        return new LineChart(el, {height: 110, ...options});
      };
      this.systemCharts = {
        pools: chart('pools', {title: 'Job threads busy', unit: 'count',
          series: s.pools.map((p, i) => ({key: p.name, label: p.name, color: POOL_COLORS[i % POOL_COLORS.length]}))}),
        connections: chart('connections', {title: 'Connections', unit: 'count', series: [
          {key: 'websocket', label: 'WebSocket', color: '--s1'}, {key: 'sockjs', label: 'SockJS', color: '--s5'},
          {key: 'sse', label: 'SSE', color: '--s6'}]}),
        heap: chart('heap', {title: 'Heap', unit: 'bytes', floor: 64 * 1024 * 1024, series: [
          {key: 'used', label: 'used', color: '--s2', area: true}]}),
        bus: chart('bus', {title: 'Event-bus messages', unit: 'rate', series: [
          {key: 'delivered', label: 'delivered', color: '--s3'}, {key: 'published', label: 'published', color: '--s5'}]}),
      };
    }
    const c = this.systemCharts;
    c.pools.push(s.time, Object.fromEntries(s.pools.map((p) => [p.name, p.busy])));
    if (s.gateway) c.connections.push(s.time, s.gateway.connections);
    c.heap.push(s.time, {used: s.node.heapUsed});
    if (s.eventBus && previous && previous.eventBus && s.time > previous.time) {
      const dt = (s.time - previous.time) / 1000;
      c.bus.push(s.time, {delivered: Math.max(0, s.eventBus.delivered - previous.eventBus.delivered) / dt,
        published: Math.max(0, s.eventBus.published - previous.eventBus.published) / dt});
    }
    $('system-sub').textContent = s.eventBus ? `${f.count(s.eventBus.handlers)} event-bus handlers` : '';
  }

  renderNodes() {
    const now = Date.now();
    // Membership as the most recently reporting clustered node sees it (null when nothing clustered reports).
    const latest = [...this.nodes.values()].filter(({snapshot}) => snapshot.cluster)
      .sort((a, b) => b.seenAt - a.seenAt)[0];
    const members = latest ? latest.snapshot.cluster.nodes : null;
    const memberNames = new Set((members || []).map((m) => m.name || m.id));
    const cards = [...this.nodes.entries()].map(([name, {snapshot: s, seenAt}]) => {
      const gone = now - seenAt > GONE_AFTER_INTERVALS * (s.intervalMs || 1000);
      const n = s.node;
      const badge = !n.clustered ? 'standalone' : !members ? 'clustered' : memberNames.has(name) ? 'member' : 'left';
      const heap = n.heapMax ? n.heapUsed / n.heapMax : null;
      return h('div', {class: 'node' + (name === this.selected ? ' selected' : '') + (gone ? ' gone' : ''),
        dataset: {node: name}, onclick: () => this.select(name)},
      h('div', {class: 'node-head'}, h('i', {class: 'dot'}), h('span', {class: 'nname mono'}, name),
        h('span', {class: 'spacer'}), h('span', {class: 'badge'}, badge)),
      h('dl', {class: 'kv'},
        h('dt', null, 'Roles'), h('dd', null, (n.roles || []).join(', ') + (n.http ? ` · ${n.http}` : ' · no gateway')),
        h('dt', null, 'Uptime'), h('dd', null, f.ms(n.uptimeMs) + (gone ? ` · last seen ${f.ago(seenAt, now)}` : '')),
        h('dt', null, 'Heap'), h('dd', null, barOf(heap), `${f.bytes(n.heapUsed)} of ${f.bytes(n.heapMax)}`),
        h('dt', null, 'CPU'), h('dd', null, barOf(n.processCpu),
          `${f.percent(n.processCpu)} of ${n.cpus} cores` + (n.loadAverage != null ? ` · load ${f.decimal(n.loadAverage)}` : '')),
        h('dt', null, 'Threads'), h('dd', null, f.count(n.threads)),
        h('dt', null, 'Process'), h('dd', null, `pid ${n.pid} · Java ${n.java.split('+')[0]}`)));
    });
    // Members that publish no statistics (yet) still show, so the panel is the whole membership.
    const silent = (members || []).filter((m) => !this.nodes.has(m.name || m.id)).map((m) =>
      h('div', {class: 'node gone', dataset: {node: m.name || m.id}},
        h('div', {class: 'node-head'}, h('i', {class: 'dot'}), h('span', {class: 'nname mono'}, m.name || m.id),
          h('span', {class: 'spacer'}), h('span', {class: 'badge'}, 'member')),
        h('dl', {class: 'kv'},
          h('dt', null, 'Roles'), h('dd', null, (m.roles || []).join(', ') + (m.gateway ? ` · ${m.gateway}` : '')),
          h('dt', null, 'Statistics'), h('dd', null, 'none reported (yet)'))));
    const all = cards.concat(silent);
    $('nodes').replaceChildren(...(all.length ? all : [h('div', {class: 'empty'}, 'waiting for the first snapshot…')]));
    const live = [...this.nodes.values()].filter(({snapshot, seenAt}) =>
      now - seenAt <= GONE_AFTER_INTERVALS * (snapshot.intervalMs || 1000)).length;
    $('nodes-sub').textContent = `${live} of ${this.nodes.size} reporting`
      + (members ? ` · ${latest.snapshot.cluster.members} cluster members` : '');
  }
}

/** The arguments that are nodes or text (for replaceChildren, which would write "null"). */
function present(...items) {
  return items.filter((x) => x != null && x !== false);
}

/** The model's mean wait; unbounded (no steady state) when the queue is overloaded. */
function predicted(q) {
  return q.predictedWaitMs == null && q.utilisation >= 1 ? '∞ (ρ ≥ 1)' : f.ms(q.predictedWaitMs);
}

function pct(value, of) {
  return Math.max(0, Math.min(100, ((value || 0) / of) * 100)).toFixed(1) + '%';
}

function barOf(ratio) {
  if (ratio == null) return null;
  return h('div', {class: 'bar' + (ratio > 0.9 ? ' over' : ratio > 0.75 ? ' hot' : '')},
    h('i', {style: {width: pct(ratio, 1)}}));
}

function rhoCell(rho) {
  return h('div', {class: 'rho'}, barOf(Math.min(1, rho || 0)), f.percent(rho));
}
