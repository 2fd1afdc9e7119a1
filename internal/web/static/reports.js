// Heed reports and live board. The reports page needs no script (charts
// are server-rendered SVG, every number is a plain link); this file keeps
// the live board current: it follows the live event stream and re-fetches
// the board fragment on every event, and once a minute because deadlines
// come closer without any event. CSP: no inline script, so it lives here.
(function () {
  'use strict';

  var board = document.getElementById('live-board');
  if (!board || !board.dataset.src) return;

  var busy = false, again = false, timer = null;

  function refresh() {
    if (timer) return;
    timer = setTimeout(run, 100); // coalesce bursts of events into one fetch
  }

  function run() {
    timer = null;
    if (busy) { again = true; return; }
    busy = true;
    var cur = document.getElementById('live-board');
    fetch(cur.dataset.src, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (res.status === 401) {
          location.href = '/login?next=' + encodeURIComponent(location.pathname);
          throw new Error('signed out');
        }
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        var t = document.createElement('template');
        t.innerHTML = html; // inert: a template never runs scripts
        var fresh = t.content.getElementById('live-board');
        var now = document.getElementById('live-board');
        if (fresh && now) now.replaceWith(fresh);
      })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  if (window.EventSource && board.dataset.events) {
    var es = new EventSource(board.dataset.events);
    es.addEventListener('open', function () {
      document.body.classList.add('live');
      refresh(); // whatever changed while not listening
    });
    es.addEventListener('error', function () { document.body.classList.remove('live'); });
    ['conversation', 'message', 'notification', 'resync', 'presence'].forEach(function (name) {
      es.addEventListener(name, refresh);
    });
  }
  setInterval(refresh, 60000);
})();
