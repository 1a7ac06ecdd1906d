// Starts the dashboard: one bridge connection, the statistics feed (history over HTTP once, then busbar.stats live),
// the three views and their tabs.

import {Bus} from './bus.js';
import {Overview} from './overview.js';
import {JobsView} from './jobs.js';
import {ConsoleView} from './console.js';
import {h, $} from './dom.js';

const STATS = 'busbar.stats';
const STATS_HISTORY = '/api/stats/history';
const TOKEN_PARAM = 'access_token';
const TOKEN_KEY = 'busbar.token';

/**
 * Credentials, for a node that requires them: a JWT or API key given once in the page's fragment
 * (`/#access_token=…`, which never reaches a server log), kept for the tab's session and sent as the query
 * parameter a browser can give a WebSocket handshake.
 */
function token() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const given = fragment.get(TOKEN_PARAM);
  if (given) {
    sessionStorage.setItem(TOKEN_KEY, given);
    history.replaceState(null, '', location.pathname + location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function withToken(url) {
  const t = token();
  return t ? `${url}${url.includes('?') ? '&' : '?'}${TOKEN_PARAM}=${encodeURIComponent(t)}` : url;
}

function askForCredentials() {
  const input = h('input', {type: 'password', placeholder: 'JWT or API key', size: 40, autocomplete: 'off'});
  const form = h('form', {class: 'toolbar', onsubmit: (e) => {
    e.preventDefault();
    if (input.value.trim()) {
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      location.reload();
    }
  }}, h('span', null, 'This node requires credentials.'), input, h('button', {class: 'btn primary', type: 'submit'}, 'Use'));
  const el = $('banner');
  el.replaceChildren(form);
  el.hidden = false;
}

function toast(message, error = false) {
  const el = h('div', {class: 'toast' + (error ? ' error' : '')}, message);
  $('toasts').append(el);
  setTimeout(() => el.remove(), error ? 8000 : 4000);
}

function banner(message) {
  const el = $('banner');
  el.textContent = message || '';
  el.hidden = !message;
}

function theme() {
  const stored = localStorage.getItem('busbar.theme');
  const apply = (name) => {
    document.documentElement.dataset.theme = name;
    window.dispatchEvent(new Event('themechange'));
  };
  apply(stored || (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark'));
  $('theme').addEventListener('click', () => {
    const next = document.documentElement.dataset.theme === 'light' ? 'dark' : 'light';
    localStorage.setItem('busbar.theme', next);
    apply(next);
  });
}

function tabs(views) {
  const showTab = () => {
    const name = (location.hash || '#overview').slice(1);
    const active = views[name] ? name : 'overview';
    for (const [key, view] of Object.entries(views)) {
      $('view-' + key).hidden = key !== active;
      if (key === active) view.show?.();
      else view.hide?.();
    }
    for (const a of document.querySelectorAll('.tabs a')) a.classList.toggle('active', a.dataset.tab === active);
  };
  window.addEventListener('hashchange', showTab);
  showTab();
}

/** Snapshots this node kept, so charts start drawn; newer ones than the overview has are added. */
async function loadHistory(overview, bus) {
  try {
    const response = await fetch(withToken(STATS_HISTORY), {cache: 'no-store'});
    if (response.status === 401) {
      // Without credentials the bridge refuses the handshake too: stop trying until the operator gives some.
      bus.close();
      askForCredentials();
      return;
    }
    if (!response.ok) {
      banner(response.status === 404
        ? 'This node does not run the statistics service (verticles/stats.json), so there are no live charts.'
        : `Statistics history unavailable: HTTP ${response.status}.`);
      return;
    }
    const history = await response.json();
    for (const snapshot of history.snapshots) overview.add(snapshot);
    overview.prefer(history.node);
  } catch (e) {
    toast('Could not load the statistics history: ' + e.message, true);
  }
}

function connectionStatus(bus) {
  const labels = {connecting: 'Connecting…', open: 'Live', reconnecting: 'Reconnecting…', closed: 'Closed'};
  bus.addEventListener('state', (e) => {
    $('conn').dataset.state = e.detail.state;
    $('conn-text').textContent = labels[e.detail.state] || e.detail.state;
  });
}

function start() {
  // A token given in the fragment of the page already open: keep it and start again with it.
  window.addEventListener('hashchange', () => {
    if (new URLSearchParams(location.hash.slice(1)).has(TOKEN_PARAM)) {
      token();
      location.reload();
    }
  });
  theme();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const bus = new Bus(withToken(`${scheme}://${location.host}/eventbus/websocket`));
  connectionStatus(bus);
  const overview = new Overview();
  const jobs = new JobsView(bus, toast);
  const consoleView = new ConsoleView(bus);
  overview.onSnapshot((s) => jobs.onSnapshot(s));
  window.addEventListener('themechange', () => overview.redraw());

  let opened = false;
  bus.subscribe(STATS, (snapshot) => overview.add(snapshot), (e) => banner(
    `Live statistics are not permitted for this page (${STATS}: ${e.message}). Add {"address": "${STATS}"} to bridge.outbound.`));
  // The node's history draws the charts at once (and tells whether credentials are needed); after a reconnect
  // it fills what was missed.
  loadHistory(overview, bus);
  bus.addEventListener('open', () => {
    if (opened) {
      loadHistory(overview, bus);
    } else {
      opened = true;
      jobs.refresh();
    }
  });
  tabs({overview: {}, jobs, console: consoleView});
  window.busbar = {bus, overview, jobs, console: consoleView};
}

start();
