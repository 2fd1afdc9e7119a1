// Heed composer assists: the `/` search over saved replies and
// knowledge-base articles, "Add to dictionary" on spelling warnings, and the
// personal-data warning's "Move to private". Separate from app.js so the
// composer's other behaviour (checks, counters, collisions) stays untouched;
// everything is delegated from document, so swapped panes keep working.
(function () {
  'use strict';

  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : '';

  // ---- the `/` menu ------------------------------------------------------

  // slashToken finds "/query" ending at the caret, where the slash starts a
  // word (so "and/or" and URLs do not open the menu).
  function slashToken(ta) {
    var upto = ta.value.slice(0, ta.selectionStart);
    var m = /(^|\s)\/([^\s\/]{0,60})$/.exec(upto);
    if (!m) return null;
    return { start: upto.length - m[2].length - 1, end: upto.length, query: m[2] };
  }

  function menu() { return document.getElementById('assist-menu'); }
  function options(m) { return Array.prototype.slice.call(m.querySelectorAll('[role="option"]')); }

  var token = null, seq = 0, timer = null;

  function closeMenu() {
    var m = menu(), ta = document.getElementById('reply-text');
    token = null;
    if (m) { m.hidden = true; m.innerHTML = ''; }
    if (ta) {
      ta.setAttribute('aria-expanded', 'false');
      ta.removeAttribute('aria-activedescendant');
    }
  }

  function select(m, i) {
    var opts = options(m), ta = document.getElementById('reply-text');
    if (!opts.length) return;
    i = (i + opts.length) % opts.length;
    opts.forEach(function (o, j) { o.setAttribute('aria-selected', j === i ? 'true' : 'false'); });
    opts[i].scrollIntoView({ block: 'nearest' });
    if (ta) ta.setAttribute('aria-activedescendant', opts[i].id);
  }

  function selectedIndex(m) {
    var opts = options(m);
    for (var i = 0; i < opts.length; i++) if (opts[i].getAttribute('aria-selected') === 'true') return i;
    return 0;
  }

  function search(ta) {
    var m = menu();
    if (!m) return;
    var mine = ++seq, q = token.query;
    fetch(m.dataset.src + '?q=' + encodeURIComponent(q), {
      headers: { 'HX-Request': 'true' }, credentials: 'same-origin', cache: 'no-store'
    }).then(function (r) { return r.ok ? r.text() : ''; }).then(function (html) {
      if (mine !== seq || !token) return; // a newer keystroke won
      // Escaped by html/template on the server: safe to insert.
      m.innerHTML = html;
      m.hidden = false;
      ta.setAttribute('aria-expanded', 'true');
      if (options(m).length) select(m, 0); else ta.removeAttribute('aria-activedescendant');
    }).catch(function () { /* offline: the next keystroke retries */ });
  }

  function insert(opt) {
    var ta = document.getElementById('reply-text');
    if (!ta || !token || !opt) return;
    var text = opt.dataset.insert || '';
    var before = ta.value.slice(0, token.start), after = ta.value.slice(token.end);
    ta.value = before + text + after;
    var caret = before.length + text.length;
    closeMenu();
    ta.focus();
    ta.setSelectionRange(caret, caret);
    // The counter and the live checks see the new text.
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  }

  document.addEventListener('input', function (e) {
    var ta = e.target;
    if (!ta || ta.id !== 'reply-text') return;
    if (!ta.hasAttribute('aria-controls')) {
      ta.setAttribute('aria-controls', 'assist-menu');
      ta.setAttribute('aria-autocomplete', 'list');
    }
    var t = slashToken(ta);
    if (!t) { if (token) closeMenu(); return; }
    token = t;
    clearTimeout(timer);
    timer = setTimeout(function () { if (token) search(ta); }, 120);
  });

  // Captured before app.js, which blurs the reply box on Escape.
  document.addEventListener('keydown', function (e) {
    var ta = e.target, m = menu();
    if (!ta || ta.id !== 'reply-text' || !m || m.hidden || !token) return;
    var handled = true;
    switch (e.key) {
      case 'ArrowDown': select(m, selectedIndex(m) + 1); break;
      case 'ArrowUp': select(m, selectedIndex(m) - 1); break;
      case 'Enter':
      case 'Tab':
        if (!options(m).length) { handled = false; break; }
        insert(options(m)[selectedIndex(m)]);
        break;
      case 'Escape': closeMenu(); break;
      default: handled = false;
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
      swallow = e.key === 'Enter';
    }
  }, true);

  // Some input paths (synthetic key events, IMEs) still deliver the Enter's
  // line break after a prevented keydown: drop it once.
  var swallow = false;
  document.addEventListener('beforeinput', function (e) {
    if (swallow && e.target && e.target.id === 'reply-text' &&
        (e.inputType === 'insertLineBreak' || e.inputType === 'insertParagraph' || (e.inputType === 'insertText' && e.data === '\n'))) {
      e.preventDefault();
    }
    swallow = false;
  }, true);
  document.addEventListener('keyup', function () { swallow = false; }, true);

  // mousedown, not click: the reply box keeps the focus and the caret.
  document.addEventListener('mousedown', function (e) {
    var opt = e.target.closest ? e.target.closest('#assist-menu [role="option"]') : null;
    if (!opt) return;
    e.preventDefault();
    insert(opt);
  });

  document.addEventListener('focusout', function (e) {
    if (e.target && e.target.id === 'reply-text') setTimeout(function () {
      if (document.activeElement && document.activeElement.id !== 'reply-text') closeMenu();
    }, 150);
  });

  // ---- warning fixes ----------------------------------------------------

  document.addEventListener('click', function (e) {
    var b = e.target.closest ? e.target.closest('.add-word, .fix-private-move') : null;
    if (!b) return;
    e.preventDefault();
    var ta = document.getElementById('reply-text');
    if (b.classList.contains('fix-private-move')) {
      // The move where the platform can message privately, else the link.
      var move = document.getElementById('private-move') || document.getElementById('insert-dm-link');
      if (move) move.click();
      return;
    }
    b.disabled = true;
    var data = new URLSearchParams();
    data.set('word', b.dataset.word || '');
    fetch('/words', { method: 'POST', body: data, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        // Check the draft again: the word is known now, for everyone.
        if (ta) ta.dispatchEvent(new Event('input', { bubbles: true }));
      })
      .catch(function () { b.disabled = false; });
  });

  // Without a private move or link there is nothing to offer.
  document.addEventListener('htmx:afterSwap', hideDeadMoves);
  function hideDeadMoves() {
    if (document.getElementById('private-move') || document.getElementById('insert-dm-link')) return;
    document.querySelectorAll('.fix-private-move').forEach(function (b) { b.hidden = true; });
  }
  new MutationObserver(function () { hideDeadMoves(); }).observe(document.body, { childList: true, subtree: true });
})();
