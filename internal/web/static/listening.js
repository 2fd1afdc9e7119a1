// Listening page: the rules editor previews the query against the last
// stream posts as the user types. The server answers an escaped fragment
// (the same one a plain "Preview" form post renders in the whole page).
(function () {
  'use strict';

  var query = document.querySelector('textarea[data-preview]');
  var out = document.getElementById('rule-preview');
  if (!query || !out) return;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : '';
  var timer = null, seq = 0;

  function preview() {
    var mine = ++seq;
    var data = new URLSearchParams(new FormData(query.form));
    fetch(query.dataset.preview, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      headers: { 'HX-Request': 'true', 'X-CSRF-Token': csrf }
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.text();
    }).then(function (html) {
      if (mine !== seq) return; // an older answer arriving late
      // Server-rendered and escaped by html/template: parsed inert, then inserted.
      var t = document.createElement('template');
      t.innerHTML = html;
      out.replaceChildren(t.content);
    }).catch(function () { /* offline: the Preview button still works */ });
  }

  query.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(preview, 250);
  });
  if (query.value.trim() !== '' && !out.textContent.trim()) preview();
})();

// The feed follows the live stream: app.js re-dispatches the server's
// "mention" events; the first page of the feed is re-fetched (coalesced),
// unless the user is in the middle of using it.
(function () {
  'use strict';

  var timer = null;
  function refresh() {
    timer = null;
    var cur = document.getElementById('feed-items');
    if (!cur || !cur.dataset.src) return;
    if (cur.contains(document.activeElement) && document.activeElement !== document.body) {
      timer = setTimeout(refresh, 2000); // try again when the focus has moved on
      return;
    }
    fetch(cur.dataset.src, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin', cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
        return res.text();
      })
      .then(function (html) {
        // Server-rendered and escaped by html/template: parsed inert, then swapped in.
        var t = document.createElement('template');
        t.innerHTML = html;
        var fresh = t.content.getElementById('feed-items');
        var now = document.getElementById('feed-items');
        if (fresh && now) now.replaceWith(fresh);
      })
      .catch(function () { /* offline: the next event retries */ });
  }
  document.addEventListener('heed:mention', function () {
    if (!timer) timer = setTimeout(refresh, 500);
  });
})();
