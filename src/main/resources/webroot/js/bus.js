// A client of Busbar's event-bus bridge over the raw WebSocket endpoint (/eventbus/websocket, text frames).
// It reconnects with backoff, pings so the server does not close an idle socket, registers its subscriptions again
// after a reconnect, and turns err frames into rejected requests or refused subscriptions.

/** A failed request or refused frame: {code, type, message}. */
export class BusError extends Error {
  constructor(code, type, message) {
    super(message || code);
    this.code = code;      // HTTP-like status (number) or a snake_case code
    this.type = type;      // e.g. RECIPIENT_FAILURE, TIMEOUT, NO_HANDLERS, access_denied, CLOSED
  }
}

let replySeq = 0;
const replyPrefix = 'dash-' + Math.random().toString(36).slice(2, 10) + '-';

/** A fresh reply address; the bridge accepts at most 36 characters. */
function replyAddress() {
  return replyPrefix + (++replySeq).toString(36);
}

/** The address quoted in a refusal message such as `listening on "x" is not permitted`. */
function quotedAddress(message) {
  const m = /"([^"]+)"/.exec(message || '');
  return m ? m[1] : null;
}

export class Bus extends EventTarget {
  /**
   * @param url ws:// or wss:// URL of the bridge
   * @param options pingMs (default 20 s, under the server's idle timeout), requestTimeoutMs (default 30 s)
   */
  constructor(url, {pingMs = 20_000, requestTimeoutMs = 30_000} = {}) {
    super();
    this.url = url;
    this.pingMs = pingMs;
    this.requestTimeoutMs = requestTimeoutMs;
    this.state = 'connecting';
    this.pending = new Map();        // replyAddress → {resolve, reject, timer}
    this.subscriptions = new Map();  // address → {handlers: Set, onError: Set}
    this.retryMs = 250;
    this.closedByUser = false;
    this.connect();
  }

  connect() {
    this.state = 'connecting';
    this.emit('state', {state: this.state});
    const ws = new WebSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      this.state = 'open';
      for (const address of this.subscriptions.keys()) this.frame({type: 'register', address});
      this.pingTimer = setInterval(() => this.frame({type: 'ping'}), this.pingMs);
      this.emit('state', {state: this.state});
      this.emit('open', {});
    };
    ws.onmessage = (e) => this.onFrame(JSON.parse(e.data));
    ws.onclose = () => this.onClose();
    // A failed connection also closes: onClose reconnects. Nothing to report twice.
    ws.onerror = () => {};
  }

  onClose() {
    clearInterval(this.pingTimer);
    for (const [address, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new BusError(-1, 'CLOSED', 'the connection closed before the reply to ' + p.address));
      this.pending.delete(address);
    }
    if (this.closedByUser) {
      this.state = 'closed';
      this.emit('state', {state: this.state});
      return;
    }
    this.state = 'reconnecting';
    this.emit('state', {state: this.state});
    const delay = this.retryMs * (0.5 + Math.random());
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => this.connect(), delay);
  }

  onFrame(frame) {
    if (frame.type === 'rec') {
      const p = this.pending.get(frame.address);
      if (p) {
        this.pending.delete(frame.address);
        clearTimeout(p.timer);
        p.resolve({body: frame.body, headers: frame.headers || {}, replyAddress: frame.replyAddress});
        return;
      }
      const sub = this.subscriptions.get(frame.address);
      if (sub) for (const handler of sub.handlers) handler(frame.body, frame);
      return;
    }
    if (frame.type === 'err') this.onErr(frame);
  }

  onErr(frame) {
    const p = frame.address ? this.pending.get(frame.address) : null;
    if (p) {
      this.pending.delete(frame.address);
      clearTimeout(p.timer);
      p.reject(new BusError(frame.failureCode, frame.failureType, frame.message));
      return;
    }
    // A refused frame that carried no reply address: name the address it was about when the message quotes it.
    const error = new BusError(frame.body, frame.body, frame.message);
    const address = quotedAddress(frame.message);
    const sub = address ? this.subscriptions.get(address) : null;
    if (sub && /listening/.test(frame.message || '')) {
      this.subscriptions.delete(address);
      for (const onError of sub.onError) onError(error);
    }
    this.emit('refused', {address, error});
  }

  /** Closes the connection for good (no reconnect). */
  close() {
    this.closedByUser = true;
    if (this.ws) this.ws.close();
  }

  frame(frame) {
    if (this.state !== 'open') return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  /** Sends a request; resolves with {body, headers} of the reply, or rejects with a BusError. */
  request(address, body, {headers, timeoutMs} = {}) {
    return new Promise((resolve, reject) => {
      const reply = replyAddress();
      const frame = {type: 'send', address, replyAddress: reply, body};
      if (headers && Object.keys(headers).length) frame.headers = headers;
      if (!this.frame(frame)) {
        reject(new BusError(-1, 'CLOSED', 'not connected'));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(reply);
        reject(new BusError(-1, 'TIMEOUT', 'no reply from ' + address + ' in time'));
      }, timeoutMs || this.requestTimeoutMs);
      this.pending.set(reply, {resolve, reject, timer, address});
    });
  }

  /** Point-to-point send without a reply; false when not connected. */
  send(address, body, headers) {
    return this.frame(headers && Object.keys(headers).length
      ? {type: 'send', address, body, headers} : {type: 'send', address, body});
  }

  /** Publishes to every subscriber; false when not connected. */
  publish(address, body, headers) {
    return this.frame(headers && Object.keys(headers).length
      ? {type: 'publish', address, body, headers} : {type: 'publish', address, body});
  }

  /**
   * Listens on an address (registered again after each reconnect). onError receives a BusError if the server
   * refuses it. Returns a function that stops listening.
   */
  subscribe(address, handler, onError) {
    let sub = this.subscriptions.get(address);
    if (!sub) {
      sub = {handlers: new Set(), onError: new Set()};
      this.subscriptions.set(address, sub);
      this.frame({type: 'register', address});
    }
    sub.handlers.add(handler);
    if (onError) sub.onError.add(onError);
    return () => {
      const current = this.subscriptions.get(address);
      if (current !== sub) return;
      sub.handlers.delete(handler);
      if (onError) sub.onError.delete(onError);
      if (sub.handlers.size === 0) {
        this.subscriptions.delete(address);
        this.frame({type: 'unregister', address});
      }
    };
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }
}
