// Heed agent UI: live updates over Server-Sent Events and keyboard
// shortcuts. The Content-Security-Policy allows no inline script, so all
// behaviour lives here (and in htmx when the build embedded it); pages pass
// configuration through data- attributes. Every page also works without
// this file: forms post normally and the server redirects.
(function () {
  'use strict';

  var body = document.body;
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : '';

  // ---- fragments -------------------------------------------------------

  // fetchFragment asks the server for a fragment the way htmx does.
  function fetchFragment(url) {
    return fetch(url, {
      headers: { 'HX-Request': 'true' },
      credentials: 'same-origin',
      cache: 'no-store'
    }).then(function (res) {
      if (res.status === 401) {
        location.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
        throw new Error('signed out');
      }
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.text();
    });
  }

  // parse turns server HTML into inert nodes (a template never runs scripts).
  function parse(html) {
    var t = document.createElement('template');
    t.innerHTML = html;
    return t.content;
  }

  function activate(el) {
    if (window.htmx && el) window.htmx.process(el);
  }

  // A refresher re-fetches something at most once at a time, coalescing the
  // events that arrive meanwhile into one more fetch.
  function refresher(run) {
    var busy = false, again = false, timer = null;
    function go() {
      timer = null;
      if (busy) { again = true; return; }
      busy = true;
      Promise.resolve().then(run).catch(function () {}).then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
    }
    function schedule() {
      if (!timer) timer = setTimeout(go, 100);
    }
    return schedule;
  }

  var refreshList = refresher(function () {
    var cur = document.getElementById('conv-list');
    if (!cur || !cur.dataset.src) return;
    var hadFocus = cur.contains(document.activeElement);
    return fetchFragment(cur.dataset.src).then(function (html) {
      var fresh = parse(html).getElementById('conv-list');
      var now = document.getElementById('conv-list');
      if (!fresh || !now) return;
      now.replaceWith(fresh);
      activate(fresh);
      markSelected(hadFocus);
    });
  });

  // refreshConv replaces the live parts of the open conversation; a part
  // holding the focus (a select being changed) and the composer stay.
  var refreshConv = refresher(function () {
    var cur = document.getElementById('conv');
    if (!cur || !cur.dataset.src) return;
    return fetchFragment(cur.dataset.src).then(function (html) {
      var frag = parse(html);
      var thread = document.getElementById('thread');
      var atBottom = thread && isNearBottom();
      document.querySelectorAll('#conv [data-live]').forEach(function (old) {
        var fresh = old.id && frag.getElementById(old.id);
        if (!fresh || old.contains(document.activeElement)) return;
        old.replaceWith(fresh);
        activate(fresh);
      });
      if (atBottom) scrollToEnd();
    });
  });

  function isNearBottom() {
    var pane = document.querySelector('.conv-pane');
    if (!pane) return false;
    return pane.scrollHeight - pane.scrollTop - pane.clientHeight < 80;
  }

  function scrollToEnd() {
    var pane = document.querySelector('.conv-pane');
    if (pane) pane.scrollTop = pane.scrollHeight;
  }

  function openConvId() {
    var c = document.getElementById('conv');
    return c ? c.dataset.id : '';
  }

  // ---- live events -----------------------------------------------------

  function connect() {
    var url = body.dataset.events;
    if (!url || !window.EventSource) return;
    var es = new EventSource(url);
    es.addEventListener('open', function () {
      body.classList.add('live');
      // Whatever changed while we were not listening (between the page
      // render and now, or during a reconnect) is fetched once: the open
      // conversation too, or a change made just after the render (a
      // survey sent right after a resolve) would never show.
      refreshList();
      refreshConv();
    });
    function changed(ev) {
      var d = {};
      try { d = JSON.parse(ev.data); } catch (e) { /* ignore */ }
      refreshList();
      if (d.conversation_id && d.conversation_id === openConvId()) refreshConv();
    }
    es.addEventListener('conversation', changed);
    es.addEventListener('message', changed);
    es.addEventListener('resync', function () { refreshList(); refreshConv(); });
    // Pages with their own live parts (listening.js) hear about new mentions.
    es.addEventListener('mention', function (ev) {
      document.dispatchEvent(new CustomEvent('heed:mention', { detail: ev.data }));
    });
    // Presence is collab.js's: hand it the event.
    es.addEventListener('presence', function (ev) {
      document.dispatchEvent(new CustomEvent('heed:presence', { detail: ev.data }));
    });
    es.addEventListener('notification', function (ev) {
      changed(ev);
      refreshNotices();
    });
    es.addEventListener('error', function () {
      body.classList.remove('live');
      if (es.readyState === EventSource.CLOSED) {
        // The server refused: if the session ended, the list refresh gets
        // 401 and goes to the login page; otherwise try again later.
        es.close();
        refreshList();
        setTimeout(connect, 5000);
      }
    });
  }

  // ---- SLA countdowns and notifications ---------------------------------

  function pad(n) { return (n < 10 ? '0' : '') + n; }

  function formatLeft(ms) {
    var s = Math.floor(ms / 1000), m = Math.floor(s / 60), h = Math.floor(m / 60);
    if (h >= 24) return Math.floor(h / 24) + 'd ' + (h % 24) + 'h';
    if (h >= 1) return h + 'h ' + pad(m % 60) + 'm';
    return m + ':' + pad(s % 60);
  }

  // Every second, each countdown shows the time left to its deadline and
  // turns amber past the target, red past the maximum.
  function tickCountdowns() {
    var now = Date.now();
    document.querySelectorAll('.sla[data-due]').forEach(function (el) {
      var due = Date.parse(el.dataset.due), warn = el.dataset.warn ? Date.parse(el.dataset.warn) : NaN;
      var cls = 'sla-ok', text;
      if (now >= due) { cls = 'sla-breached'; text = 'SLA breached'; } else {
        if (!isNaN(warn) && now >= warn) cls = 'sla-warn';
        text = 'reply in ' + formatLeft(due - now);
      }
      el.classList.remove('sla-ok', 'sla-warn', 'sla-breached');
      el.classList.add(cls);
      el.textContent = text;
    });
  }
  setInterval(tickCountdowns, 1000);

  function refreshNotices() {
    var box = document.getElementById('notices');
    if (!box) return;
    fetch(box.dataset.src, { headers: { 'HX-Request': 'true' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) {
        // Server-rendered and escaped by html/template: safe to insert.
        if (html) box.innerHTML = html;
      })
      .catch(function () { /* offline or navigating away: the next event retries */ });
  }

  // ---- composer: length counter, private-message link -------------------

  // Pre-send checks as the agent types, debounced; the server answers an
  // escaped fragment.
  var checkTimer = null;
  function checkDraft(ta) {
    var list = document.getElementById('composer-warnings');
    if (!list || !ta.form) return;
    var data = new URLSearchParams();
    data.set('text', ta.value);
    var priv = ta.form.querySelector('input[name="private"]');
    if (priv && priv.checked) data.set('private', '1');
    fetch(list.dataset.src, { method: 'POST', body: data, credentials: 'same-origin',
      headers: { 'X-CSRF-Token': body.dataset.csrf || (ta.form.querySelector('input[name="csrf"]') || {}).value || '' } })
      .then(function (r) { return r.ok ? r.text() : ''; })
      .then(function (html) { list.innerHTML = html; })
      .catch(function () { /* offline or navigating away: the next keystroke retries */ });
  }
  document.addEventListener('input', function (e) {
    if (e.target && e.target.id === 'reply-text') {
      clearTimeout(checkTimer);
      var ta = e.target;
      checkTimer = setTimeout(function () { checkDraft(ta); }, 400);
    }
  });

  document.addEventListener('input', function (e) {
    var ta = e.target;
    if (!ta.dataset || !ta.dataset.max) return;
    var counter = document.querySelector('.counter[data-for="' + ta.id + '"]');
    if (!counter) return;
    // Code points, as the platforms count them (an emoji is one).
    var n = Array.from(ta.value).length, max = parseInt(ta.dataset.max, 10);
    counter.textContent = n + ' / ' + max;
    counter.classList.toggle('over', n > max);
  });
  // A saved reply goes into the reply box, variables already filled.
  document.addEventListener('change', function (e) {
    if (!e.target || e.target.id !== 'saved-reply' || !e.target.value) return;
    var ta = document.getElementById('reply-text');
    if (!ta) return;
    ta.value = ta.value ? ta.value.replace(/\s*$/, ' ') + e.target.value : e.target.value;
    e.target.value = '';
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    ta.focus();
  });
  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('#insert-dm-link') : null;
    if (!b) return;
    var ta = document.getElementById('reply-text');
    if (!ta) return;
    ta.value = (ta.value ? ta.value.replace(/\s*$/, ' ') : '') + b.dataset.link;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    ta.focus();
  });

  // ---- keyboard --------------------------------------------------------

  var selectedId = body.dataset.conv || '';

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll('#conv-list .conv-row'));
  }

  function markSelected(focus) {
    var open = openConvId();
    rows().forEach(function (r) {
      var on = r.dataset.id === selectedId;
      r.classList.toggle('open', !!open && r.dataset.id === open);
      r.classList.toggle('selected', on);
      if (on) {
        r.setAttribute('aria-selected', 'true');
        if (focus) r.focus();
      } else {
        r.removeAttribute('aria-selected');
      }
    });
  }

  function move(delta) {
    var list = rows();
    if (!list.length) return;
    var i = -1;
    list.forEach(function (r, j) { if (r.dataset.id === selectedId) i = j; });
    i = i < 0 ? (delta > 0 ? 0 : list.length - 1) : Math.max(0, Math.min(list.length - 1, i + delta));
    selectedId = list[i].dataset.id;
    markSelected(true);
    list[i].scrollIntoView({ block: 'nearest' });
  }

  function openSelected() {
    var r = rows().filter(function (x) { return x.dataset.id === selectedId; })[0];
    if (!r) return false;
    location.href = r.href;
    return true;
  }

  function focusField(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    var box = el.closest('details');
    if (box) box.open = true;
    el.focus();
    return true;
  }

  function submit(form) {
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  function resolveOpen() {
    var f = document.getElementById('resolve-form');
    if (!f || !f.querySelector('[data-resolve]')) return false;
    submit(f);
    return true;
  }

  function isTyping(el) {
    if (!el || el === body) return false;
    if (el.isContentEditable) return true;
    var tag = el.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
    if (tag !== 'INPUT') return false;
    return ['checkbox', 'radio', 'button', 'submit', 'reset'].indexOf(el.type) < 0;
  }

  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return;
    if (isTyping(e.target)) {
      if (e.key === 'Escape') e.target.blur();
      return;
    }
    var done = false;
    switch (e.key) {
      case 'j': move(1); done = true; break;
      case 'k': move(-1); done = true; break;
      case 'Enter':
        // A focused link or button does its own thing.
        if (e.target.tagName === 'BUTTON' || (e.target.tagName === 'A' && !e.target.classList.contains('conv-row'))) return;
        done = openSelected();
        break;
      case 'r': done = focusField('reply-text'); break;
      case 'a': done = focusField('assign-agent'); break;
      case '/': done = focusField('q'); break;
      case 'e': done = resolveOpen(); break;
    }
    if (done) e.preventDefault();
  });

  // ---- small things ----------------------------------------------------

  // Filters apply as soon as they change.
  document.addEventListener('change', function (e) {
    if (e.target.matches && e.target.matches('select[data-autosubmit]')) submit(e.target.form);
  });

  // Relative times stay current (same rules as the server's relTime).
  function rel(t) {
    var s = (Date.now() - t.getTime()) / 1000;
    if (s < 60) return 'now';
    if (s < 3600) return Math.floor(s / 60) + 'm';
    if (s < 86400) return Math.floor(s / 3600) + 'h';
    if (s < 7 * 86400) return Math.floor(s / 86400) + 'd';
    return null; // a date: leave the server's text
  }
  setInterval(function () {
    document.querySelectorAll('time[data-rel]').forEach(function (el) {
      var v = rel(new Date(el.getAttribute('datetime')));
      if (v) el.textContent = v;
    });
  }, 30000);

  var toastTimer = null;
  function toast(text) {
    var el = document.getElementById('toast');
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 6000);
  }

  // htmx: send the CSRF header too, and show failed requests as a notice.
  body.addEventListener('htmx:configRequest', function (e) {
    if (csrf) e.detail.headers['X-CSRF-Token'] = csrf;
  });
  body.addEventListener('htmx:responseError', function (e) {
    var text = parse(e.detail.xhr.responseText || '').textContent.trim();
    toast(text.slice(0, 300) || 'That did not work. Try again.');
  });
  body.addEventListener('htmx:sendError', function () {
    toast('Heed cannot be reached. Check the connection and try again.');
  });
  body.addEventListener('htmx:afterSwap', function (e) {
    if (e.detail.target && e.detail.target.id === 'conv') scrollToEnd();
  });

  markSelected(false);
  if (openConvId()) scrollToEnd();
  connect();
})();
