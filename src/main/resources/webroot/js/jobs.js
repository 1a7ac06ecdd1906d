// Jobs: a searchable, paged list by queue and state (jobs.list), a job's live detail (its events address), and
// the cancel, retry and submit buttons (jobs.cancel, jobs.retry, jobs.submit). Everything goes over the bridge with
// the page's ordinary permissions.

import * as f from './format.js';
import {h, $, pretty} from './dom.js';

const PAGE = 25;
const SEARCH_SCAN = 1000;      // a text search looks at this many of the newest jobs of the selection
const LIVE_REFRESH_MS = 2000;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TEMPLATES = {
  sleep: {ms: 3000, steps: 10},
  hash: {data: 'busbar', iterations: 500000},
  echo: {hello: 'busbar'},
  fail: {message: 'boom', failTimes: 1},
  noop: {},
};
const FINAL = new Set(['succeeded', 'cancelled', 'dead_lettered']);

export class JobsView {
  constructor(bus, toast) {
    this.bus = bus;
    this.toast = toast;
    this.offset = 0;
    this.rows = new Map();          // job id → row of the table
    this.detail = null;             // {job, unsubscribe}
    this.lastRefresh = 0;
    this.activity = '';
    this.types = '';
    this.queues = '';
    this.visible = false;

    $('filter-queue').addEventListener('change', () => this.reset());
    $('filter-state').addEventListener('change', () => this.reset());
    let typing;
    $('filter-search').addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(() => this.reset(), 250);
    });
    $('jobs-refresh').addEventListener('click', () => this.refresh());
    $('jobs-prev').addEventListener('click', () => this.page(-PAGE));
    $('jobs-next').addEventListener('click', () => this.page(PAGE));
    $('submit-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.submit();
    });
    $('submit-type').addEventListener('change', () => this.applyTemplate());
  }

  show() {
    this.visible = true;
    this.refresh();
  }

  hide() {
    this.visible = false;
  }

  /** A stats snapshot of the node: keeps the type and queue choices current, and refreshes a live list. */
  onSnapshot(s) {
    const handlers = (s.jobs && s.jobs.handlers) || [];
    if (handlers.join() !== this.types) {
      this.types = handlers.join();
      const select = $('submit-type');
      const current = select.value;
      select.replaceChildren(...handlers.map((t) => h('option', {value: t}, t)));
      select.value = handlers.includes(current) ? current : handlers.includes('sleep') ? 'sleep' : handlers[0] || '';
      this.applyTemplate();
    }
    const queues = s.queues.map((q) => q.name);
    if (queues.join() !== this.queues) {
      this.queues = queues.join();
      for (const [id, first] of [['filter-queue', 'all queues'], ['submit-queue', 'default queue']]) {
        const select = $(id);
        const current = select.value;
        select.replaceChildren(h('option', {value: ''}, first), ...queues.map((q) => h('option', {value: q}, q)));
        select.value = queues.includes(current) ? current : '';
      }
    }
    // Refresh on activity only: what was submitted, started or finished changed since the last look.
    const activity = s.queues.map((q) => `${q.submitted}/${q.running}/${q.length}/`
      + Object.values(q.finished || {}).join('.')).join('|');
    if (this.visible && $('jobs-live').checked && activity !== this.activity
        && Date.now() - this.lastRefresh >= LIVE_REFRESH_MS) {
      this.activity = activity;
      this.refresh();
    }
  }

  applyTemplate() {
    const payload = $('submit-payload');
    const template = TEMPLATES[$('submit-type').value];
    if (!payload.dataset.edited && template) payload.value = JSON.stringify(template);
    payload.oninput = () => { payload.dataset.edited = '1'; };
  }

  reset() {
    this.offset = 0;
    this.refresh();
  }

  page(delta) {
    this.offset = Math.max(0, this.offset + delta);
    this.refresh();
  }

  async refresh() {
    this.lastRefresh = Date.now();
    const queue = $('filter-queue').value || undefined;
    const state = $('filter-state').value || undefined;
    const search = $('filter-search').value.trim();
    try {
      if (ID_PATTERN.test(search)) {
        const job = await this.bus.request('jobs.get', {id: search});
        this.renderList([job.body], 1, 0);
      } else if (search) {
        const reply = await this.bus.request('jobs.list', {queue, state, limit: SEARCH_SCAN, offset: 0});
        const needle = search.toLowerCase();
        const found = reply.body.jobs.filter((j) => matches(j, needle));
        this.offset = Math.min(this.offset, Math.max(0, found.length - 1));
        this.renderList(found.slice(this.offset, this.offset + PAGE), found.length, this.offset,
          reply.body.total > SEARCH_SCAN ? ` (searched the newest ${SEARCH_SCAN})` : '');
      } else {
        const reply = await this.bus.request('jobs.list', {queue, state, limit: PAGE, offset: this.offset});
        this.renderList(reply.body.jobs, reply.body.total, this.offset);
      }
    } catch (e) {
      if (e.code === 404) this.renderList([], 0, 0);
      else this.toast(`Listing jobs failed: ${e.message}`, true);
    }
  }

  renderList(jobs, total, offset, note = '') {
    this.rows.clear();
    const rows = jobs.map((job) => {
      const row = h('tr', {class: 'clickable', dataset: {job: job.id}, onclick: () => this.open(job.id)});
      this.fillRow(row, job);
      this.rows.set(job.id, row);
      return row;
    });
    $('jobs-table').tBodies[0].replaceChildren(...(rows.length ? rows
      : [h('tr', null, h('td', {class: 'empty', colSpan: 8}, 'No jobs match.'))]));
    $('jobs-range').textContent = total ? `${offset + 1}–${offset + jobs.length} of ${f.count(total)}${note}` : '';
    $('jobs-prev').disabled = offset === 0;
    $('jobs-next').disabled = offset + jobs.length >= total;
  }

  fillRow(row, job) {
    const now = Date.now();
    const took = job.startedAt ? (job.finishedAt && job.finishedAt >= job.startedAt ? job.finishedAt : now) - job.startedAt : null;
    row.dataset.state = job.state;
    row.replaceChildren(
      h('td', null, h('span', {class: 'job-id', title: job.id}, job.id.slice(0, 8))),
      h('td', null, job.type),
      h('td', null, job.queue),
      h('td', null, badge(job.state)),
      h('td', {class: 'num'}, `${job.attempts}/${job.maxAttempts}`),
      h('td', null, progressBar(job, true)),
      h('td', {title: f.dateTime(job.createdAt)}, f.ago(job.createdAt, now)),
      h('td', {class: 'num'}, took == null ? '–' : f.ms(took)));
  }

  /** Opens a job's detail and follows its events until it is closed. */
  async open(id) {
    this.close();
    let job;
    try {
      job = (await this.bus.request('jobs.get', {id})).body;
    } catch (e) {
      this.toast(`Job ${id}: ${e.message}`, true);
      return;
    }
    const detail = {job};
    this.detail = detail;
    detail.unsubscribe = this.bus.subscribe(job.eventsAddress, (event) => {
      if (this.detail !== detail || !event || !event.job || event.job.id !== id) return;
      // An event carries where the job stands, leaving out what may be absent; what the job was submitted with
      // stays from jobs.get.
      const {result, error, progressMessage, startedAt, finishedAt, ...submitted} = detail.job;
      detail.job = {...submitted, ...event.job};
      this.renderDetail();
      const row = this.rows.get(id);
      if (row) this.fillRow(row, detail.job);
    }, (e) => this.toast(`Cannot follow job ${id}: ${e.message}`, true));
    $('jobs-layout').classList.remove('no-detail');
    this.renderDetail();
  }

  close() {
    if (this.detail) {
      this.detail.unsubscribe();
      this.detail = null;
    }
    $('job-detail').hidden = true;
    $('jobs-layout').classList.add('no-detail');
  }

  renderDetail() {
    const job = this.detail.job;
    const el = $('job-detail');
    el.hidden = false;
    el.dataset.job = job.id;
    el.dataset.state = job.state;
    el.dataset.progress = String(job.progress || 0);
    el.dataset.attempts = String(job.attempts);
    el.dataset.finished = String(job.finishedAt || 0);
    const waited = job.startedAt ? job.startedAt - Math.max(job.createdAt, job.runAt || 0) : null;
    const kv = [
      ['Queue', job.queue], ['Attempts', `${job.attempts} of ${job.maxAttempts}`], ['Priority', String(job.priority)],
      ['Created', f.dateTime(job.createdAt)],
      ['Started', job.startedAt ? f.dateTime(job.startedAt) : '–'],
      ['Finished', job.finishedAt && FINAL.has(job.state) ? f.dateTime(job.finishedAt) : '–'],
      ['Waited', waited == null ? '–' : f.ms(Math.max(0, waited))],
      ['Predicted wait', f.ms(job.predictedWaitMs)],
      ['Timeout', job.timeoutMs ? f.ms(job.timeoutMs) : 'none'],
    ];
    if ((job.state === 'failed' || job.state === 'timed_out') && job.runAt) kv.push(['Next attempt', f.dateTime(job.runAt)]);
    if (job.batchId) kv.push(['Batch', `${job.batchId} #${job.batchIndex}`]);
    const cancellable = job.state === 'queued' || job.state === 'running' || job.state === 'failed'
      || job.state === 'timed_out';
    el.replaceChildren(...[
      h('div', {class: 'card-head'}, h('h3', null, job.type), badge(job.state), h('span', {class: 'spacer'}),
        h('button', {class: 'icon-btn', type: 'button', id: 'job-close', title: 'Close', onclick: () => this.close()}, '✕')),
      h('div', {class: 'job-id'}, job.id),
      h('div', {class: 'progress-line'}, progressBar(job, false),
        h('b', {id: 'job-progress-text'}, f.percent(job.progress || 0))),
      h('div', {class: 'note', id: 'job-progress-message'}, job.progressMessage || ''),
      h('dl', {class: 'kv'}, kv.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])),
      h('div', {class: 'section-label'}, 'Payload'),
      h('pre', {id: 'job-payload'}, pretty(job.payload)),
      job.state === 'succeeded' ? [h('div', {class: 'section-label'}, 'Result'), h('pre', {id: 'job-result'}, pretty(job.result))] : null,
      job.error ? [h('div', {class: 'section-label'}, 'Error'),
        h('pre', {id: 'job-error', class: 'error'}, `${job.error.kind}: ${job.error.message}`)] : null,
      h('div', {class: 'actions'},
        h('button', {class: 'btn danger', type: 'button', id: 'job-cancel', disabled: !cancellable,
          onclick: () => this.act('jobs.cancel', job.id, 'Cancel')}, 'Cancel'),
        h('button', {class: 'btn', type: 'button', id: 'job-retry', disabled: job.state !== 'dead_lettered',
          title: 'Queue a dead-lettered job again, with fresh attempts',
          onclick: () => this.act('jobs.retry', job.id, 'Retry')}, 'Retry'),
        h('span', {class: 'spacer'}),
        h('span', {class: 'note'}, job.eventsAddress)),
    ].flat().filter((x) => x != null));
  }

  async act(address, id, what) {
    try {
      await this.bus.request(address, {id});
      // The job's events may have overtaken the reply (a retried job can fail again at once): ask where it stands,
      // which is answered after every event published before.
      const now = (await this.bus.request('jobs.get', {id})).body;
      if (this.detail && this.detail.job.id === id) {
        this.detail.job = now;
        this.renderDetail();
      }
      this.refresh();
    } catch (e) {
      this.toast(`${what} failed: ${e.message}`, true);
    }
  }

  async submit() {
    let payload;
    try {
      payload = JSON.parse($('submit-payload').value || 'null');
    } catch (e) {
      this.toast('The payload is not valid JSON: ' + e.message, true);
      return;
    }
    const spec = {type: $('submit-type').value, payload,
      priority: Number($('submit-priority').value || 0), maxAttempts: Number($('submit-attempts').value || 1)};
    if ($('submit-queue').value) spec.queue = $('submit-queue').value;
    try {
      const receipt = (await this.bus.request('jobs.submit', spec)).body;
      $('submit-receipt').replaceChildren('Accepted ', h('span', {class: 'job-id'}, receipt.id), ` on ${receipt.queue}: `,
        `position ${receipt.position}, predicted wait ${f.ms(receipt.etaMs)}.`);
      this.open(receipt.id);
      this.refresh();
    } catch (e) {
      $('submit-receipt').replaceChildren(h('span', {class: 'bad'}, `Refused: ${e.message}`));
    }
  }
}

function matches(job, needle) {
  return [job.id, job.type, job.state, job.queue, job.error && job.error.message, job.progressMessage,
    JSON.stringify(job.payload)].some((v) => v && String(v).toLowerCase().includes(needle));
}

function badge(state) {
  return h('span', {class: 'badge ' + state}, state.replace('_', ' '));
}

function progressBar(job, small) {
  const p = Math.max(0, Math.min(1, job.progress || (job.state === 'succeeded' ? 1 : 0)));
  const cls = job.state === 'succeeded' ? ' done' : FINAL.has(job.state) || job.error ? ' failed' : '';
  return h('div', {class: 'progress' + (small ? ' small' : '') + cls, id: small ? null : 'job-progress',
    role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '1', 'aria-valuenow': String(p)},
  h('i', {style: {width: (p * 100).toFixed(1) + '%'}}));
}
