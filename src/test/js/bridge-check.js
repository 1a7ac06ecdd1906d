// Drives Busbar with the official @vertx/eventbus-bridge-client.js over SockJS and prints one JSON line of results.
// Usage: node bridge-check.js http://127.0.0.1:<port>/eventbus
'use strict';
const EventBus = require('@vertx/eventbus-bridge-client.js');

const url = process.argv[2];
const results = {};
const eb = new EventBus(url);

const deadline = setTimeout(() => finish('timed out'), 20000);

function finish(error) {
  clearTimeout(deadline);
  if (error) {
    results.error = error;
  }
  console.log('RESULT ' + JSON.stringify(results));
  eb.close();
  setTimeout(() => process.exit(error ? 1 : 0), 100);
}

function done() {
  const keys = ['echo', 'denied', 'tick', 'refusedRegister'];
  if (keys.every((k) => k in results)) {
    finish();
  }
}

eb.onerror = (err) => {
  if (err && err.body === 'access_denied') {
    results.refusedRegister = err.body;
    done();
  }
};

eb.onopen = () => {
  eb.send('demo.echo', { hello: 'from node' }, { 'x-client': 'npm' }, (err, reply) => {
    results.echo = err ? { failed: err } : { body: reply.body, headers: reply.headers };
    done();
  });
  eb.send('secret.nobody', {}, {}, (err) => {
    results.denied = err;
    done();
  });
  eb.registerHandler('demo.ticks', {}, (err, msg) => {
    if (!('tick' in results)) {
      results.tick = err ? { failed: err } : msg.body;
      done();
    }
  });
  eb.registerHandler('secret.events', {}, () => {});
};
