// Heed collaboration: who is viewing and typing in a conversation, shown in
// the open conversation and in the inbox list. The page sends a heartbeat
// while a conversation is open and a (debounced) typing beat while the draft
// changes; the server keeps presence with an expiry and announces changes on
// the live stream, which app.js re-dispatches as a "heed:presence" event.
// Names are inserted with textContent only.
(function () {
  'use strict';

  var HEARTBEAT = 10000;   // inbox.PresenceHeartbeat
  var TYPING_EVERY = 3000; // at most one typing beat per 3 s
  var DRAFT_FRESH = 30000; // a draft touched this recently still counts as typing (inbox.TypingTTL outlasts a heartbeat)

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : '';
  if (!csrf) return; // signed out pages

  function openConvId() {
    var c = document.getElementById('conv');
    return c ? c.dataset.id : '';
  }

  function beat(state) {
    var id = openConvId();
    if (!id) return;
    var data = new URLSearchParams();
    data.set('state', state);
    fetch('/conversations/' + encodeURIComponent(id) + '/presence', {
      method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf }
    }).catch(function () { /* offline: the next beat retries */ });
  }

  // ---- showing presence ------------------------------------------------

  var latest = [];

  function describe(entries) {
    var typing = [], viewing = [];
    entries.forEach(function (e) { (e.typing ? typing : viewing).push(e.name); });
    var parts = [];
    if (typing.length) parts.push(typing.join(', ') + (typing.length > 1 ? ' are typing a reply' : ' is typing a reply'));
    if (viewing.length) parts.push(viewing.join(', ') + (viewing.length > 1 ? ' are viewing' : ' is viewing'));
    return parts.join(' · ');
  }

  function render() {
    var byConv = {};
    latest.forEach(function (e) { (byConv[e.conversation_id] = byConv[e.conversation_id] || []).push(e); });
    var box = document.getElementById('conv-presence');
    if (box) {
      var mine = byConv[box.dataset.conv] || [];
      var text = describe(mine);
      // Only real changes touch the DOM: the observer below watches it.
      if (box.textContent !== text) box.textContent = text;
      if (box.hidden !== (mine.length === 0)) box.hidden = mine.length === 0;
      box.classList.toggle('typing', mine.some(function (e) { return e.typing; }));
    }
    document.querySelectorAll('#conv-list .conv-row').forEach(function (row) {
      var list = byConv[row.dataset.id] || [];
      var badge = row.querySelector('.presence-badge');
      if (!list.length) {
        if (badge) badge.remove();
        return;
      }
      if (!badge) {
        badge = document.createElement('span');
        badge.className = 'presence-badge';
        row.appendChild(badge);
      }
      var text = list.map(function (e) { return e.name + (e.typing ? ' ✎' : ''); }).join(', ');
      if (badge.textContent !== text) badge.textContent = text;
      badge.title = describe(list);
      badge.classList.toggle('typing', list.some(function (e) { return e.typing; }));
    });
  }

  var busy = false, again = false;
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch('/presence', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && d.entries) { latest = d.entries; render(); } })
      .catch(function () { /* the next event or tick retries */ })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  document.addEventListener('heed:presence', refresh);
  // The list and the conversation pane are replaced by live updates and
  // htmx swaps: put the badges back on the new nodes.
  new MutationObserver(function (muts) {
    for (var i = 0; i < muts.length; i++) {
      if (muts[i].addedNodes.length) { render(); return; }
    }
  }).observe(document.body, { childList: true, subtree: true });

  // ---- sending presence ------------------------------------------------

  var lastTyping = 0, typingConv = '';
  document.addEventListener('input', function (e) {
    if (!e.target || e.target.id !== 'reply-text') return;
    var now = Date.now();
    if (!e.target.value.trim()) {
      if (lastTyping) { lastTyping = 0; beat('idle'); }
      return;
    }
    if (now - lastTyping >= TYPING_EVERY || typingConv !== openConvId()) {
      lastTyping = now;
      typingConv = openConvId();
      beat('typing');
    }
  });
  // A sent reply ends typing (the server clears it too).
  document.addEventListener('submit', function (e) {
    if (e.target && e.target.id === 'reply-form') lastTyping = 0;
  }, true);

  function tick() {
    var ta = document.getElementById('reply-text');
    var drafting = lastTyping && ta && ta.value.trim() && Date.now() - lastTyping < DRAFT_FRESH;
    if (openConvId()) beat(drafting ? 'typing' : 'view');
    refresh();
  }
  setInterval(tick, HEARTBEAT);
  tick();

  window.addEventListener('pagehide', function () {
    var id = openConvId();
    if (!id || !navigator.sendBeacon) return;
    var data = new URLSearchParams();
    data.set('state', 'leave');
    data.set('csrf', csrf);
    navigator.sendBeacon('/conversations/' + encodeURIComponent(id) + '/presence', data);
  });
})();
