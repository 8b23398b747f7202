// Zhiyin help-desk console.
//
// Every text that comes from the knowledge base or from a person is put on
// the page as a text node (textContent, createTextNode, append of a string),
// never as HTML: a clause or a question holding markup shows that markup
// literally. Highlights are built from the API's spans with <mark> elements.
'use strict';

(function () {
  const MAX_RUNES = 500;
  const RECENT_KEY = 'zhiyin.recent.v1';
  const RECENT_MAX = 20;
  const SESSION_KEY = 'zhiyin.session.v1';

  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;

  // el builds an element. Children that are strings become text nodes.
  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(c);
    }
    return e;
  }

  // add appends children to parent, skipping the empty ones (append would
  // turn null into the text "null").
  function add(parent, ...children) {
    for (const c of children.flat()) {
      if (c !== undefined && c !== null && c !== false) parent.append(c);
    }
    return parent;
  }

  function runes(s) { return Array.from(s).length; }

  // ---- API ----------------------------------------------------------------

  class APIError extends Error {
    constructor(status, code, message, retryAfter) {
      super(message);
      this.status = status;
      this.code = code;
      this.retryAfter = retryAfter;
    }
  }

  async function api(path, body) {
    const opts = { headers: { Accept: 'application/json' } };
    if (body !== undefined) {
      opts.method = 'POST';
      opts.headers['Content-Type'] = 'application/json';
      opts.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, opts);
    } catch (e) {
      throw new APIError(0, 'network', '无法连接服务器，请检查网络后重试', 0);
    }
    let data = null;
    try { data = await res.json(); } catch (e) { /* not JSON */ }
    if (!res.ok) {
      const err = data && data.error;
      throw new APIError(res.status, err ? err.code : 'http_' + res.status,
        err && err.message ? err.message : '服务暂时不可用（' + res.status + '），请稍后再试',
        Number(res.headers.get('Retry-After')) || 0);
    }
    return data;
  }

  function clauseHref(doc, clause) { return '/c/' + enc(doc) + '/' + enc(clause); }

  // ---- status line ---------------------------------------------------------

  function setStatus(text) {
    const s = $('status');
    s.textContent = text || '';
    s.hidden = !text;
  }

  // ---- copying -------------------------------------------------------------

  // legacyCopy copies through a hidden textarea: navigator.clipboard exists
  // only on secure pages, and intranet consoles are often plain http.
  function legacyCopy(text) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.top = '-1000px';
    ta.style.opacity = '0';
    document.body.append(ta);
    const active = document.activeElement;
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    ta.remove();
    if (active && active.focus) active.focus();
    return ok;
  }

  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (e) { /* denied or unfocused: try the old way */ }
    }
    return legacyCopy(text);
  }

  // citeLine is the citation to read back to a caller, with a copy button
  // and a link to the clause.
  function citeLine(ref, title, doc, clause, withLink) {
    const status = el('span', { class: 'copy-status', role: 'status' });
    const refEl = el('span', { class: 'cite-ref' }, ref);
    const btn = el('button', {
      type: 'button', class: 'secondary small copy-btn',
      onclick: async () => {
        const ok = await copyText(ref);
        status.classList.toggle('failed', !ok);
        status.textContent = ok ? '已复制' : '复制失败，请选中出处手动复制';
        if (!ok) {
          const r = document.createRange();
          r.selectNodeContents(refEl);
          const sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(r);
        }
      },
    }, '复制出处');
    return el('div', { class: 'cite' },
      el('span', { class: 'cite-label' }, '出处'),
      refEl,
      title ? el('span', { class: 'cite-title' }, title) : null,
      btn,
      withLink ? clauseLink(doc, clause, '查看条款', 'open-clause') : null,
      status);
  }

  // clauseLink opens a clause in the browse pane; it is a real link, so it
  // can also be opened in a new tab or copied.
  function clauseLink(doc, clause, text, cls) {
    return el('a', {
      href: clauseHref(doc, clause), class: cls,
      onclick: (ev) => {
        if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
        ev.preventDefault();
        openClause(doc, clause, true);
      },
    }, text);
  }

  // quoted shows a clause's full text with the quote highlighted, found
  // verbatim in the text.
  function quoted(text, quote) {
    const box = el('blockquote', { class: 'clause-text' });
    const i = quote ? text.indexOf(quote) : -1;
    if (i < 0) {
      box.append(text);
      return box;
    }
    box.append(text.slice(0, i), el('mark', { class: 'quote' }, quote), text.slice(i + quote.length));
    return box;
  }

  // spans renders kb.Span pieces: matches in <mark>, all as text.
  function spans(list) {
    const out = [];
    for (const s of list || []) out.push(s.match ? el('mark', {}, s.text) : s.text);
    return out;
  }

  // ---- asking --------------------------------------------------------------

  let busy = false;

  function getSession() {
    try { return sessionStorage.getItem(SESSION_KEY) || ''; } catch (e) { return ''; }
  }
  function setSession(id) {
    try {
      if (id) sessionStorage.setItem(SESSION_KEY, id);
      else sessionStorage.removeItem(SESSION_KEY);
    } catch (e) { /* storage off: no follow-ups across reloads */ }
  }

  function updateCount() {
    const n = runes($('q').value);
    $('count').textContent = String(n);
    $('ask-hint').classList.toggle('over', n > MAX_RUNES);
  }

  function showAnswerCard(card) {
    const box = $('answer');
    box.replaceChildren(card);
  }

  function errorCard(question, err) {
    return el('article', { class: 'card error-card', role: 'alert' },
      question ? el('p', { class: 'asked' }, el('span', { class: 'tag' }, '问'), question) : null,
      el('p', { class: 'answer-text' }, err.message));
  }

  async function ask(text) {
    if (busy) return;
    if (!text.trim()) {
      showAnswerCard(errorCard('', { message: '请输入您要咨询的问题。' }));
      $('q').focus();
      return;
    }
    if (runes(text) > MAX_RUNES) {
      showAnswerCard(errorCard('', { message: '问题太长了（' + runes(text) + ' 字），请精简到 ' + MAX_RUNES + ' 字以内。' }));
      return;
    }
    busy = true;
    $('ask-btn').disabled = true;
    showAnswerCard(el('article', { class: 'card answer-card loading' }, '正在查找相关条款…'));
    const body = { question: text };
    const session = getSession();
    if (session) body.session = session;
    try {
      const a = await api('/api/v1/ask', body);
      setSession(a.session);
      addRecent(text);
      showAnswerCard(answerCard(text, a));
      $('q').select();
    } catch (err) {
      if (err.code === 'invalid' && body.session) setSession('');
      showAnswerCard(errorCard(text, err));
    } finally {
      busy = false;
      $('ask-btn').disabled = false;
    }
  }

  function answerCard(question, a) {
    const cites = Array.isArray(a.citations) ? a.citations : [];
    const card = el('article', { class: 'card answer-card kind-' + (a.kind || 'answer'), id: 'answer-card' },
      el('p', { class: 'asked' }, el('span', { class: 'tag' }, '问'), question));
    if (a.answered && cites.length > 0) {
      const c = cites[0];
      add(card,
        el('p', { class: 'answer-text' }, a.answer),
        a.notice ? el('p', { class: 'notice', role: 'note' }, a.notice) : null,
        citeLine(c.citation, c.title, c.doc, c.clause, true),
        el('p', { class: 'meta' }, '条款原文（黄色为回答所依据的原文）：'),
        quoted(c.text, c.quote),
        el('p', { class: 'meta' }, '置信度 ' + Math.round((a.confidence || 0) * 100) + '%'));
      if (cites.length > 1) card.append(citationList('相关条款', cites.slice(1)));
    } else if (a.kind === 'refusal') {
      card.append(
        el('p', { class: 'refusal-title' }, '指引未作规定'),
        el('p', { class: 'answer-text' }, a.answer));
      if (cites.length > 0) card.append(citationList('可能相关的条款', cites));
    } else {
      card.append(el('p', { class: 'answer-text' }, a.answer));
    }
    if (a.id) card.append(feedbackBox(a.id));
    return card;
  }

  function citationList(heading, cites) {
    return el('section', { class: 'related' },
      el('h3', {}, heading),
      el('ul', {}, cites.map((c) => el('li', {},
        clauseLink(c.doc, c.clause, c.citation + (c.title ? ' ' + c.title : ''), 'related-link')))));
  }

  function feedbackBox(id) {
    const status = el('span', { class: 'fb-status', role: 'status' });
    const buttons = [];
    const send = async (helpful) => {
      buttons.forEach((b) => { b.disabled = true; });
      status.classList.remove('failed');
      status.textContent = '正在提交…';
      try {
        await api('/api/v1/feedback', { id, helpful });
        status.textContent = '已收到反馈';
      } catch (err) {
        status.classList.add('failed');
        status.textContent = err.message;
        buttons.forEach((b) => { b.disabled = false; });
      }
    };
    buttons.push(
      el('button', { type: 'button', class: 'secondary small fb-yes', onclick: () => send(true) }, '有帮助'),
      el('button', { type: 'button', class: 'secondary small fb-no', onclick: () => send(false) }, '没帮助'));
    return el('div', { class: 'feedback' }, el('span', {}, '这个回答有帮助吗？'), buttons, status);
  }

  // ---- recent questions (this browser only) --------------------------------

  function loadRecent() {
    try {
      const v = JSON.parse(localStorage.getItem(RECENT_KEY) || '[]');
      return Array.isArray(v) ? v.filter((x) => typeof x === 'string') : [];
    } catch (e) { return []; }
  }

  function addRecent(q) {
    const list = [q].concat(loadRecent().filter((x) => x !== q)).slice(0, RECENT_MAX);
    try { localStorage.setItem(RECENT_KEY, JSON.stringify(list)); } catch (e) { /* storage off */ }
    renderRecent(list);
  }

  function renderRecent(list) {
    list = list || loadRecent();
    $('recent-list').replaceChildren(...list.map((q) => el('li', {},
      el('button', {
        type: 'button', title: '再问一次',
        onclick: () => { $('q').value = q; updateCount(); ask(q); },
      }, q))));
    $('recent-empty').hidden = list.length > 0;
    $('clear-recent').hidden = list.length === 0;
  }

  // ---- browsing ------------------------------------------------------------

  let docs = [];
  let currentDoc = '';
  let treeLoaded = '';

  async function loadDocuments() {
    try {
      const data = await api('/api/v1/documents');
      docs = data.documents || [];
      setStatus('');
    } catch (err) {
      if (err.status === 503) {
        setStatus('服务正在启动，知识库加载中…');
        setTimeout(start, Math.max(1, err.retryAfter || 3) * 1000);
      } else {
        setStatus(err.message);
      }
      return false;
    }
    const sel = $('doc-select');
    sel.replaceChildren(...docs.map((d) => el('option', { value: d.id }, d.short_title || d.title)));
    sel.hidden = docs.length < 2;
    if (docs.length === 0) {
      $('tree').replaceChildren(el('p', { class: 'muted' }, '知识库中还没有文件。'));
    }
    return true;
  }

  async function showDocument(id) {
    if (!id || treeLoaded === id) return;
    currentDoc = id;
    $('doc-select').value = id;
    const meta = docs.find((d) => d.id === id);
    $('doc-title').textContent = meta ? '《' + meta.title + '》' + (meta.status && meta.status !== '现行' ? '（' + meta.status + '）' : '') : '';
    try {
      const d = await api('/api/v1/documents/' + enc(id));
      $('tree').replaceChildren(el('ul', {}, (d.clauses || []).map((n) => treeNode(d.id, n, 0))));
      treeLoaded = id;
    } catch (err) {
      $('tree').replaceChildren(el('p', { class: 'muted' }, err.message));
    }
  }

  function snippet(text) {
    const t = Array.from(text || '');
    return t.length > 24 ? t.slice(0, 24).join('') + '…' : t.join('');
  }

  function treeNode(doc, n, depth) {
    const kids = n.children || [];
    const link = clauseLink(doc, n.id, '', 'node-link');
    link.dataset.clause = n.id;
    link.append(el('span', { class: 'node-label' }, n.label),
      n.title ? n.title : el('span', { class: 'node-snippet' }, snippet(n.text)));
    const li = el('li', { class: 'node' });
    let sub = null;
    let toggle;
    if (kids.length > 0) {
      sub = el('ul', {}, kids.map((k) => treeNode(doc, k, depth + 1)));
      toggle = el('button', {
        type: 'button', class: 'toggle', 'aria-expanded': 'true', 'aria-label': '展开或收起',
        onclick: () => setExpanded(li, sub.hidden),
      }, '▾');
    } else {
      toggle = el('span', { class: 'toggle-spacer' });
    }
    li.append(el('div', { class: 'node-row' }, toggle, link));
    if (sub) li.append(sub);
    return li;
  }

  function setExpanded(li, open) {
    const sub = li.querySelector(':scope > ul');
    const t = li.querySelector(':scope > .node-row > .toggle');
    if (!sub || !t) return;
    sub.hidden = !open;
    t.textContent = open ? '▾' : '▸';
    t.setAttribute('aria-expanded', String(open));
  }

  function markActive(clause) {
    const tree = $('tree');
    tree.querySelectorAll('.node-link.active').forEach((a) => a.classList.remove('active'));
    const a = tree.querySelector('.node-link[data-clause="' + CSS.escape(clause) + '"]');
    if (!a) return;
    a.classList.add('active');
    for (let li = a.closest('li'); li; li = li.parentElement.closest('li')) setExpanded(li, true);
    // Scroll the tree box (not the page) so the clause shows in its context.
    const r = a.getBoundingClientRect();
    const box = tree.getBoundingClientRect();
    if (r.top < box.top || r.bottom > box.bottom) tree.scrollTop += r.top - box.top - box.height / 3;
  }

  async function openClause(doc, clause, push) {
    const view = $('clause-view');
    if (push) history.pushState({ doc, clause }, '', clauseHref(doc, clause));
    if (doc !== currentDoc && docs.some((d) => d.id === doc)) await showDocument(doc);
    let v;
    try {
      v = await api('/api/v1/documents/' + enc(doc) + '/clauses/' + enc(clause));
    } catch (err) {
      view.replaceChildren(el('article', { class: 'card error-card', role: 'alert' },
        el('p', {}, err.status === 404 ? '没有找到这条条款，链接可能已失效。' : err.message)));
      view.hidden = false;
      return;
    }
    const c = v.clause;
    const crumbs = ['《' + v.doc_title + '》'];
    if (v.parent) crumbs.push(v.parent.label + (v.parent.title ? ' ' + v.parent.title : ''));
    const card = el('article', { class: 'card clause-card', id: 'clause-card', dataset: { doc: v.doc, clause: c.id } },
      el('p', { class: 'crumbs' }, crumbs.join(' › ')),
      el('h2', {}, el('span', { class: 'clause-label' }, c.label), c.title || ''),
      c.text ? el('p', { class: 'clause-text clause-body' }, c.text)
        : el('p', { class: 'muted' }, '本条为标题，内容见下级条款。'),
      citeLine(v.citation, '', v.doc, c.id, false));
    if (v.children && v.children.length) {
      card.append(el('ul', { class: 'clause-children' }, v.children.map((k) =>
        el('li', {}, clauseLink(v.doc, k.id, k.label + (k.title ? ' ' + k.title : ' ' + snippet(k.text)), 'child-link')))));
    }
    card.append(el('nav', { class: 'pager', 'aria-label': '上一条和下一条' },
      v.prev ? clauseLink(v.doc, v.prev.id, '‹ ' + v.prev.label + (v.prev.title ? ' ' + v.prev.title : ''), 'prev') : null,
      v.next ? clauseLink(v.doc, v.next.id, v.next.label + (v.next.title ? ' ' + v.next.title : '') + ' ›', 'next') : null));
    view.replaceChildren(card);
    view.hidden = false;
    document.title = c.label + (c.title ? ' ' + c.title : '') + ' · 指引问答';
    markActive(c.id);
    // On a phone the browse pane is below the ask box: bring the clause up.
    const narrow = window.matchMedia('(max-width: 820px)').matches;
    if (push || narrow) view.scrollIntoView({ block: narrow ? 'start' : 'nearest' });
  }

  async function search(q) {
    const box = $('search-results');
    q = q.trim();
    if (!q) {
      box.hidden = true;
      box.replaceChildren();
      return;
    }
    let data;
    try {
      data = await api('/api/v1/search?q=' + enc(q));
    } catch (err) {
      box.replaceChildren(el('p', { class: 'muted' }, err.message));
      box.hidden = false;
      return;
    }
    const hits = data.hits || [];
    const close = el('button', {
      type: 'button', class: 'link',
      onclick: () => { box.hidden = true; box.replaceChildren(); $('search-q').value = ''; },
    }, '关闭');
    box.replaceChildren(
      el('div', { class: 'section-head' },
        el('p', { class: 'muted' }, hits.length ? '找到 ' + hits.length + ' 条相关条款' : '没有找到相关条款，请换个词试试。'),
        close),
      el('ol', { class: 'hits' }, hits.map((h) => el('li', {},
        clauseLink(h.doc, h.clause, '', 'hit-ref'),
        el('p', { class: 'hit-text' }, spans(h.text))))));
    // The hit's heading: citation, then its title with marks.
    box.querySelectorAll('.hit-ref').forEach((a, i) => {
      const h = hits[i];
      a.append(h.citation);
      if (h.title) a.append(' ', ...(h.title_spans ? spans(h.title_spans) : [h.title]));
    });
    box.hidden = false;
  }

  // ---- routing -------------------------------------------------------------

  // route shows what the address names: /c/{doc}/{clause} opens a clause.
  async function route() {
    const m = location.pathname.match(/^\/c\/([^/]+)\/([^/]+)\/?$/);
    if (m) {
      let doc, clause;
      try {
        doc = decodeURIComponent(m[1]);
        clause = decodeURIComponent(m[2]);
      } catch (e) {
        return;
      }
      if (docs.some((d) => d.id === doc)) await showDocument(doc);
      else if (docs.length) await showDocument(docs[0].id);
      await openClause(doc, clause, false);
      return;
    }
    $('clause-view').hidden = true;
    document.title = '指引问答 · 服务台';
    if (docs.length && !currentDoc) await showDocument(docs[0].id);
  }

  async function start() {
    if (await loadDocuments()) await route();
  }

  function init() {
    const q = $('q');
    q.addEventListener('keydown', (ev) => {
      // Enter asks; Shift+Enter is a new line. While an input method is
      // composing (pinyin), Enter belongs to it.
      if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && ev.keyCode !== 229) {
        ev.preventDefault();
        ask(q.value);
      }
    });
    q.addEventListener('input', updateCount);
    $('ask-form').addEventListener('submit', (ev) => { ev.preventDefault(); ask(q.value); });
    $('new-session').addEventListener('click', () => {
      setSession('');
      $('answer').replaceChildren();
      q.value = '';
      updateCount();
      q.focus();
    });
    $('clear-recent').addEventListener('click', () => {
      try { localStorage.removeItem(RECENT_KEY); } catch (e) { /* storage off */ }
      renderRecent([]);
    });
    $('search-form').addEventListener('submit', (ev) => { ev.preventDefault(); search($('search-q').value); });
    $('doc-select').addEventListener('change', (ev) => {
      treeLoaded = '';
      $('clause-view').hidden = true;
      $('search-results').hidden = true;
      showDocument(ev.target.value);
    });
    $('home-link').addEventListener('click', (ev) => {
      if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
      ev.preventDefault();
      history.pushState(null, '', '/');
      route();
      q.focus();
    });
    window.addEventListener('popstate', route);
    updateCount();
    renderRecent();
    start();
  }

  init();
})();
