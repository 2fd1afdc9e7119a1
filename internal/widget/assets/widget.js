/*
 * Heed web chat widget. Served as /widget/{channel_id}.js with its
 * configuration filled in; no dependencies, no build step.
 *
 * It lives in a Shadow DOM under a <heed-chat> element, so the host page's
 * CSS does not reach it and its CSS does not leak out. Every customer and
 * agent text is inserted with textContent, never as HTML.
 *
 * Visitor identity: POST /session gives a visitor id and a token, kept in
 * localStorage; every call sends the token (X-Heed-Visitor header, or the
 * token query parameter for EventSource). The event stream only says "your
 * conversation changed"; the script then fetches the messages again.
 */
(function (cfg) {
  "use strict";
  if (!cfg || !cfg.channel || !window.fetch || !window.EventSource) return;
  var w = window, d = document;
  var loaded = (w.__heedWidgets = w.__heedWidgets || {});
  if (loaded[cfg.channel]) return;
  loaded[cfg.channel] = true;

  // Heed's address: where this script came from, else the configured one.
  var base = cfg.base;
  var me = d.currentScript;
  var suffix = "/widget/" + cfg.channel + ".js";
  if (me && me.src) {
    try {
      var u = new URL(me.src);
      var at = u.pathname.lastIndexOf(suffix);
      if (at >= 0) base = u.origin + u.pathname.slice(0, at);
    } catch (e) { /* keep cfg.base */ }
  }
  var api = base + "/widget/" + encodeURIComponent(cfg.channel);

  // State survives reloads; without localStorage it lasts as long as the page.
  var KEY = "heed-chat:" + cfg.channel;
  var state = {};
  try { state = JSON.parse(w.localStorage.getItem(KEY) || "{}") || {}; } catch (e) { state = {}; }
  function save() {
    try { w.localStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* memory only */ }
  }

  var CSS = [
    ":host{all:initial}",
    "*{box-sizing:border-box}",
    ".root{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2328}",
    ".launcher{position:fixed;right:20px;bottom:20px;z-index:2147483000;width:56px;height:56px;border-radius:50%;border:0;",
    "background:#2557d6;color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);font:600 14px/1 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}",
    ".launcher:focus-visible,.send:focus-visible,.close:focus-visible{outline:3px solid #9ab6ff;outline-offset:2px}",
    ".badge{position:absolute;top:-2px;right:-2px;min-width:18px;height:18px;border-radius:9px;background:#cf222e;color:#fff;",
    "font-size:11px;line-height:18px;padding:0 5px}",
    ".badge[hidden],.panel[hidden],.notice[hidden],.empty[hidden]{display:none}",
    ".panel{position:fixed;right:20px;bottom:88px;z-index:2147483000;width:360px;max-width:calc(100vw - 40px);height:520px;",
    "max-height:calc(100vh - 120px);display:flex;flex-direction:column;background:#fff;border-radius:12px;",
    "box-shadow:0 8px 30px rgba(0,0,0,.25);overflow:hidden}",
    ".header{display:flex;align-items:center;justify-content:space-between;padding:12px 16px;background:#2557d6;color:#fff;font-weight:600}",
    ".close{border:0;background:transparent;color:#fff;font-size:22px;line-height:1;cursor:pointer;padding:0 4px;font-family:inherit}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px;background:#f6f8fa}",
    ".empty{color:#59636e;text-align:center;margin:auto 0}",
    ".msg{max-width:80%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg.in{align-self:flex-end;background:#2557d6;color:#fff}",
    ".msg.out{align-self:flex-start;background:#fff;border:1px solid #d0d7de}",
    ".msg.pending{opacity:.65}",
    ".msg.failed{background:#fff;color:#1f2328;border:1px solid #cf222e}",
    ".who{display:block;font-size:11px;opacity:.8;margin-bottom:2px}",
    ".retry{display:block;margin-top:4px;border:0;background:transparent;color:#cf222e;cursor:pointer;padding:0;font:inherit;font-size:12px;text-decoration:underline}",
    ".survey{align-self:stretch;padding:10px 12px;border-radius:12px;background:#fff;border:1px solid #d0d7de;white-space:pre-wrap}",
    ".scores{display:flex;flex-wrap:wrap;gap:4px;margin-top:8px}",
    ".score{min-width:32px;height:32px;border:1px solid #2557d6;border-radius:6px;background:#fff;color:#2557d6;cursor:pointer;font:inherit;font-weight:600}",
    ".score:hover,.score:focus-visible{background:#2557d6;color:#fff;outline:none}",
    ".score:disabled{opacity:.5;cursor:default}",
    ".thanks{margin-top:6px;font-weight:600}",
    ".notice{padding:6px 12px;font-size:12px;color:#cf222e;background:#fff5f5}",
    ".composer{display:flex;flex-direction:column;gap:6px;padding:8px;border-top:1px solid #d0d7de;background:#fff}",
    ".name,.text{font:inherit;color:#1f2328;background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:6px 8px;width:100%}",
    ".text{resize:none;height:56px}",
    ".row{display:flex;gap:6px;align-items:flex-end}",
    ".send{border:0;border-radius:6px;background:#2557d6;color:#fff;padding:8px 14px;cursor:pointer;font:inherit;font-weight:600}",
    "@media (max-width:480px){.panel{right:0;bottom:0;width:100vw;max-width:100vw;height:100%;max-height:100%;border-radius:0}",
    ".open .launcher{display:none}}"
  ].join("\n");

  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  var host, wrap, launcher, badge, panel, log, empty, notice, form, nameInput, textInput;

  function mount() {
    host = d.createElement("heed-chat");
    host.style.setProperty("all", "initial", "important");
    var root = host.attachShadow({ mode: "open" });
    if (root.adoptedStyleSheets !== undefined && w.CSSStyleSheet && "replaceSync" in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", "", CSS));
    }
    wrap = el("div", "root");
    launcher = el("button", "launcher", "Chat");
    launcher.type = "button";
    launcher.setAttribute("aria-label", "Open chat");
    launcher.setAttribute("aria-expanded", "false");
    badge = el("span", "badge", "1");
    badge.hidden = true;
    launcher.appendChild(badge);

    panel = el("section", "panel");
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", "Chat");
    var header = el("div", "header");
    header.appendChild(el("span", "title", "Chat with us"));
    var close = el("button", "close", "\u00d7");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    header.appendChild(close);
    log = el("div", "log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    empty = el("p", "empty", "Send us a message and we will answer here.");
    notice = el("div", "notice");
    notice.hidden = true;
    form = el("form", "composer");
    nameInput = el("input", "name");
    nameInput.type = "text";
    nameInput.maxLength = 80;
    nameInput.placeholder = "Your name (optional)";
    nameInput.setAttribute("aria-label", "Your name (optional)");
    nameInput.value = state.name || "";
    var row = el("div", "row");
    textInput = el("textarea", "text");
    textInput.placeholder = "Write a message\u2026";
    textInput.maxLength = 8000;
    textInput.setAttribute("aria-label", "Message");
    var send = el("button", "send", "Send");
    send.type = "submit";
    row.appendChild(textInput);
    row.appendChild(send);
    form.appendChild(nameInput);
    form.appendChild(row);
    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(notice);
    panel.appendChild(form);
    wrap.appendChild(panel);
    wrap.appendChild(launcher);
    root.appendChild(wrap);
    d.body.appendChild(host);

    launcher.addEventListener("click", function () { setOpen(panel.hidden); });
    close.addEventListener("click", function () { setOpen(false); launcher.focus(); });
    panel.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { setOpen(false); launcher.focus(); }
    });
    nameInput.addEventListener("change", function () { state.name = nameInput.value.trim(); save(); });
    textInput.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); }
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });

    render();
    if (state.open) setOpen(true);
    else if (state.active) start(); // an earlier conversation: follow replies
  }

  function setOpen(open) {
    panel.hidden = !open;
    wrap.classList.toggle("open", open);
    launcher.setAttribute("aria-expanded", open ? "true" : "false");
    launcher.setAttribute("aria-label", open ? "Close chat" : "Open chat");
    state.open = open;
    save();
    if (open) {
      start();
      markSeen();
      textInput.focus();
    }
  }

  function showNotice(text) {
    notice.textContent = text || "";
    notice.hidden = !text;
  }

  // --- talking to Heed ---

  var sessionReq = null;
  function session(renew) {
    if (renew) { state.visitor_id = ""; state.token = ""; save(); }
    if (state.token) return Promise.resolve();
    if (!sessionReq) {
      sessionReq = fetch(api + "/session", { method: "POST", mode: "cors", credentials: "omit" })
        .then(function (r) {
          if (!r.ok) throw new Error("session: HTTP " + r.status);
          return r.json();
        })
        .then(function (s) {
          state.visitor_id = s.visitor_id;
          state.token = s.token;
          save();
          sessionReq = null;
        }, function (err) { sessionReq = null; throw err; });
    }
    return sessionReq;
  }

  // call sends an authenticated request; a 401 (the channel's secret was
  // rotated) starts a new session and retries once.
  function call(method, path, body, retried) {
    return session().then(function () {
      var h = { "X-Heed-Visitor": state.token };
      if (body !== undefined) h["Content-Type"] = "application/json";
      return fetch(api + path, {
        method: method, headers: h, mode: "cors", credentials: "omit", cache: "no-store",
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    }).then(function (r) {
      if (r.status === 401 && !retried) {
        return session(true).then(function () {
          reconnect();
          return call(method, path, body, true);
        });
      }
      return r;
    });
  }

  var started = false;
  function start() {
    if (started) return;
    started = true;
    session().then(connect, function () {
      started = false;
      showNotice("Chat is unavailable right now. Please try again later.");
    });
  }

  var es = null, retryTimer = null;
  function connect() {
    if (es || !state.token) return;
    var url = api + "/events?visitor_id=" + encodeURIComponent(state.visitor_id) + "&token=" + encodeURIComponent(state.token);
    var src = new EventSource(url);
    es = src;
    src.onopen = function () { showNotice(""); refresh(); };
    src.addEventListener("message", refresh);
    src.onerror = function () {
      // EventSource retries by itself unless the server refused the stream;
      // then check the session (a 401 renews it) and reconnect later.
      if (src.readyState === EventSource.CLOSED && es === src) {
        es = null;
        clearTimeout(retryTimer);
        retryTimer = setTimeout(function () { refresh(); connect(); }, 5000);
      }
    };
  }
  function reconnect() {
    if (es) { es.close(); es = null; }
    connect();
  }

  var messages = []; // the conversation as Heed has it
  var survey = null; // the CSAT/NPS question waiting for a click, or answered
  var pending = [];  // sent from this page, not yet in messages
  var fetching = false, fetchAgain = false;
  function refresh() {
    if (fetching) { fetchAgain = true; return; }
    fetching = true;
    call("GET", "/messages").then(function (r) {
      if (!r.ok) throw new Error("messages: HTTP " + r.status);
      return r.json();
    }).then(function (b) {
      messages = (b && b.messages) || [];
      survey = (b && b.survey) || null;
      var have = {};
      messages.forEach(function (m) { if (m.external_id) have[m.external_id] = true; });
      pending = pending.filter(function (p) { return !have[p.external_id]; });
      render();
    }).catch(function () { /* the next event or reconnect fetches again */ })
      .then(function () {
        fetching = false;
        if (fetchAgain) { fetchAgain = false; refresh(); }
      });
  }

  function newID() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    var b = new Uint8Array(16);
    w.crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function submit() {
    var text = textInput.value.trim();
    if (!text) return;
    state.name = nameInput.value.trim();
    state.active = true;
    save();
    textInput.value = "";
    var p = { external_id: newID(), text: text };
    pending.push(p);
    start();
    post(p);
  }

  // post sends (or resends, with the same id, so never twice) one message.
  function post(p) {
    p.failed = false;
    p.error = "";
    render();
    call("POST", "/messages", { external_id: p.external_id, text: p.text, name: state.name || "" }).then(function (r) {
      if (r.ok) { showNotice(""); refresh(); return; }
      return r.json().catch(function () { return {}; }).then(function (b) {
        var msg = b && b.error && b.error.message;
        if (r.status === 400 || r.status === 413) {
          pending = pending.filter(function (x) { return x !== p; });
          if (!textInput.value) textInput.value = p.text;
          showNotice("Message not sent: " + (msg || "not accepted") + ".");
        } else if (r.status === 429) {
          p.failed = true;
          p.error = "You are sending messages quickly. Wait a moment, then retry.";
        } else {
          p.failed = true;
          p.error = "Not sent.";
        }
        render();
      });
    }, function () {
      p.failed = true;
      p.error = "Not sent: no connection.";
      render();
    });
  }

  function time(iso) {
    var t = new Date(iso);
    if (isNaN(t.getTime())) return "";
    return t.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function bubble(dir, who, text) {
    var m = el("div", "msg " + dir);
    m.appendChild(el("span", "who", who));
    m.appendChild(d.createTextNode(text));
    return m;
  }

  function render() {
    if (!log) return;
    var atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    while (log.firstChild) log.removeChild(log.firstChild);
    empty.hidden = messages.length + pending.length > 0;
    log.appendChild(empty);
    messages.forEach(function (m) {
      var who = m.direction === "in" ? "You" : (m.author_name || "Support");
      var b = bubble(m.direction === "in" ? "in" : "out", who + " \u00b7 " + time(m.created_at), m.text);
      b.setAttribute("data-id", m.id);
      log.appendChild(b);
    });
    pending.forEach(function (p) {
      var b = bubble("in " + (p.failed ? "failed" : "pending"), p.failed ? p.error : "Sending\u2026", p.text);
      if (p.failed) {
        var retry = el("button", "retry", "Retry");
        retry.type = "button";
        retry.addEventListener("click", function () { post(p); });
        b.appendChild(retry);
      }
      log.appendChild(b);
    });
    if (survey) log.appendChild(surveyCard(survey));
    if (atBottom || pending.length) log.scrollTop = log.scrollHeight;
    updateBadge();
  }

  // surveyCard shows the satisfaction question with one button per score,
  // or the score given. The question is text, never HTML.
  var answering = false;
  function surveyCard(s) {
    var card = el("div", "survey");
    card.setAttribute("data-survey", s.id);
    card.appendChild(d.createTextNode(s.question));
    if (s.status === "answered") {
      card.appendChild(el("div", "thanks", "Thank you! You rated " + s.score + "/" + s.max + "."));
      return card;
    }
    var row = el("div", "scores");
    row.setAttribute("role", "group");
    row.setAttribute("aria-label", "Your rating");
    for (var n = s.min; n <= s.max; n++) {
      var b = el("button", "score", String(n));
      b.type = "button";
      b.disabled = answering;
      b.setAttribute("data-score", String(n));
      b.setAttribute("aria-label", "Rate " + n + " out of " + s.max);
      b.addEventListener("click", answer.bind(null, s, n));
      row.appendChild(b);
    }
    card.appendChild(row);
    return card;
  }

  function answer(s, n) {
    if (answering) return;
    answering = true;
    render();
    call("POST", "/survey", { survey_id: s.id, score: n }).then(function (r) {
      if (!r.ok && r.status !== 409) showNotice("Your rating was not saved. Please try again.");
      else showNotice("");
    }, function () {
      showNotice("Your rating was not saved: no connection.");
    }).then(function () {
      answering = false;
      refresh();
    });
  }

  function newestReply() {
    for (var i = messages.length - 1; i >= 0; i--) {
      if (messages[i].direction === "out") return messages[i].id;
    }
    return "";
  }
  function markSeen() {
    state.seen = newestReply();
    save();
    updateBadge();
  }
  function updateBadge() {
    var newest = newestReply();
    if (!panel.hidden && newest && newest !== state.seen) { state.seen = newest; save(); }
    badge.hidden = !panel.hidden || !newest || newest <= (state.seen || "");
  }

  if (d.body) mount();
  else d.addEventListener("DOMContentLoaded", mount);
})(/*HEED_CONFIG*/null);
