// Loaded first, as a classic script: collects uncaught errors of the page, for the operator (a toast) and for the
// browser tests (window.__busbarErrors).
window.__busbarErrors = [];
window.addEventListener('error', (e) => {
  window.__busbarErrors.push(String(e.message || e.type) + (e.filename ? ' at ' + e.filename + ':' + e.lineno : ''));
});
window.addEventListener('unhandledrejection', (e) => {
  window.__busbarErrors.push('unhandled rejection: ' + (e.reason && e.reason.message || e.reason));
});
