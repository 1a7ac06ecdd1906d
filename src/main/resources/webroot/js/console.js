// The message console: send a request and show its reply, publish, and subscribe, over the bridge with the page's
// ordinary permissions. Whatever the server refuses shows up in the log with its error code and message.

import {h, $, pretty} from './dom.js';
import {clock} from './format.js';

const MAX_LOG = 200;

export class ConsoleView {
  constructor(bus) {
    this.bus = bus;
    this.subs = new Map();   // address → {unsubscribe, count, refused}
    $('console-form').addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    $('console-publish').addEventListener('click', () => this.publish());
    $('console-subscribe').addEventListener('click', () => this.subscribe());
    $('console-clear').addEventListener('click', () => $('console-log').replaceChildren());
    // Refusals of frames without a reply address (publish, register) arrive as err frames naming the address.
    bus.addEventListener('refused', (e) => {
      const {address, error} = e.detail;
      this.log('error', `refused: ${error.code}`, address, error.message);
    });
  }

  /** The form's address, body and headers; null (after logging why) when they are not usable. */
  read() {
    const address = $('console-address').value.trim();
    if (!address) {
      this.log('error', 'no address', '', 'Type an address first.');
      return null;
    }
    let body = null;
    let headers;
    try {
      const text = $('console-body').value.trim();
      body = text ? JSON.parse(text) : null;
      const headerText = $('console-headers').value.trim();
      headers = headerText ? JSON.parse(headerText) : undefined;
    } catch (e) {
      this.log('error', 'invalid JSON', address, e.message);
      return null;
    }
    return {address, body, headers};
  }

  async send() {
    const frame = this.read();
    if (!frame) return;
    this.log('out', 'send', frame.address, frame.body);
    const started = performance.now();
    try {
      const reply = await this.bus.request(frame.address, frame.body, {headers: frame.headers});
      const took = Math.round(performance.now() - started);
      this.log('reply', `reply in ${took} ms`, frame.address, reply.body, reply.headers);
    } catch (e) {
      this.log('error', `${e.type || 'error'}${e.code != null && e.code !== e.type ? ' ' + e.code : ''}`,
        frame.address, e.message);
    }
  }

  publish() {
    const frame = this.read();
    if (!frame) return;
    if (this.bus.publish(frame.address, frame.body, frame.headers)) this.log('out', 'publish', frame.address, frame.body);
    else this.log('error', 'not connected', frame.address, 'The bridge connection is down.');
  }

  subscribe() {
    const address = $('console-address').value.trim();
    if (!address) {
      this.log('error', 'no address', '', 'Type an address first.');
      return;
    }
    if (this.subs.has(address)) return;
    const sub = {count: 0};
    sub.unsubscribe = this.bus.subscribe(address, (body, frame) => {
      sub.count++;
      this.log('message', 'message', address, body, frame.headers);
      this.renderSubs();
    }, () => {
      // The error itself is logged by the 'refused' listener.
      this.subs.delete(address);
      this.renderSubs();
    });
    this.subs.set(address, sub);
    this.log('out', 'subscribe', address, undefined);
    this.renderSubs();
  }

  renderSubs() {
    const items = [...this.subs.entries()].map(([address, sub]) => h('div', {class: 'sub-item', dataset: {address}},
      h('span', {class: 'mono', title: address}, address),
      h('span', {class: 'count'}, `${sub.count} msg`),
      h('button', {class: 'btn', type: 'button', onclick: () => {
        sub.unsubscribe();
        this.subs.delete(address);
        this.log('out', 'unsubscribe', address, undefined);
        this.renderSubs();
      }}, 'Stop')));
    $('console-subs').replaceChildren(...(items.length ? items : [h('div', {class: 'empty'}, 'none')]));
  }

  log(kind, label, address, body, headers) {
    const entry = h('div', {class: 'log-entry ' + kind, dataset: {kind}},
      h('div', {class: 'meta'}, h('span', {class: 'kind'}, label), h('span', {class: 'mono'}, address || ''),
        h('span', {class: 'spacer'}), h('span', null, clock(Date.now()))),
      body === undefined ? null : h('pre', null, typeof body === 'string' ? body : pretty(body)),
      headers && Object.keys(headers).length ? h('pre', {class: 'note'}, 'headers ' + JSON.stringify(headers)) : null);
    const log = $('console-log');
    log.prepend(entry);
    while (log.childElementCount > MAX_LOG) log.lastElementChild.remove();
  }
}
