// Zhiyin editor console: the knowledge editors' pages over the admin API.
//
// As in the help-desk console, every text from the knowledge base, the
// question log or a person goes on the page as a text node (textContent,
// append of a string), never as HTML. Charts are plain SVG built here.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const A = '/api/v1/admin';
  const SVG = 'http://www.w3.org/2000/svg';
  const ROLES = { viewer: 1, editor: 2, admin: 3 };
  const ROLE_NAMES = { viewer: '只读', editor: '编辑', admin: '管理员' };
  const STATUS = ['现行', '修订', '废止'];
  let me = null;

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else if (k === 'value') e.value = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.append(typeof c === 'number' ? String(c) : c);
    }
    return e;
  }
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children) e.append(c);
    return e;
  }
  const can = (role) => me && ROLES[me.role] >= ROLES[role];
  const fmtTime = (s) => {
    if (!s) return '';
    const d = new Date(s);
    if (isNaN(d)) return s;
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
  };

  function toast(msg) {
    const t = $('toast');
    t.textContent = msg;
    t.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { t.hidden = true; }, 3000);
  }

  // ---- API ----------------------------------------------------------------

  class APIError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }

  // api sends a request; a JSON body is sent as JSON, a string as text.
  async function api(method, path, body, headers) {
    const opts = { method, headers: Object.assign({ Accept: 'application/json' }, headers || {}), credentials: 'same-origin' };
    if (typeof body === 'string') {
      opts.body = body;
      opts.headers['Content-Type'] = opts.headers['Content-Type'] || 'text/plain; charset=utf-8';
    } else if (body !== undefined) {
      opts.body = JSON.stringify(body);
      opts.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(path, opts);
    let data = null;
    try { data = await res.json(); } catch (_) { data = null; }
    if (!res.ok) {
      const e = (data && data.error) || {};
      if (res.status === 401 && !path.endsWith('/login')) showLogin();
      throw new APIError(res.status, e.code || 'error', e.message || `请求失败（${res.status}）`);
    }
    return { data, etag: res.headers.get('ETag') || '' };
  }
  const get = (p) => api('GET', p).then((r) => r.data);

  function errorBox(err) { return el('p', { class: 'error', role: 'alert' }, err.message || String(err)); }

  // ---- text diff (characters, longest common subsequence) ------------------

  function diffParts(a, b) {
    const x = Array.from(a || ''), y = Array.from(b || '');
    // Trim the common ends so the table stays small.
    let s = 0;
    while (s < x.length && s < y.length && x[s] === y[s]) s++;
    let ex = x.length, ey = y.length;
    while (ex > s && ey > s && x[ex - 1] === y[ey - 1]) { ex--; ey--; }
    const xm = x.slice(s, ex), ym = y.slice(s, ey);
    const out = [];
    if (s) out.push(['=', x.slice(0, s).join('')]);
    if (xm.length * ym.length > 4e6) {
      if (xm.length) out.push(['-', xm.join('')]);
      if (ym.length) out.push(['+', ym.join('')]);
    } else {
      const n = xm.length, m = ym.length;
      const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
      for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
        L[i][j] = xm[i] === ym[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
      let i = 0, j = 0;
      const push = (op, ch) => {
        const last = out[out.length - 1];
        if (last && last[0] === op) last[1] += ch; else out.push([op, ch]);
      };
      while (i < n && j < m) {
        if (xm[i] === ym[j]) { push('=', xm[i]); i++; j++; } else if (L[i + 1][j] >= L[i][j + 1]) { push('-', xm[i]); i++; } else { push('+', ym[j]); j++; }
      }
      while (i < n) push('-', xm[i++]);
      while (j < m) push('+', ym[j++]);
    }
    if (ex < x.length) out.push(['=', x.slice(ex).join('')]);
    return out;
  }
  function diffView(a, b) {
    const box = el('div', { class: 'diff' });
    for (const [op, t] of diffParts(a, b)) box.append(op === '=' ? t : el(op === '-' ? 'del' : 'ins', {}, t));
    return box;
  }

  // ---- session ------------------------------------------------------------

  function showLogin() {
    me = null;
    $('app').hidden = true;
    $('who').hidden = true;
    $('login-view').hidden = false;
    $('login-name').focus();
  }

  async function start() {
    try {
      me = await get(A + '/me');
    } catch (_) {
      showLogin();
      return;
    }
    $('login-view').hidden = true;
    $('who').hidden = false;
    $('who-name').textContent = me.name;
    $('who-role').textContent = ROLE_NAMES[me.role] || me.role;
    for (const a of document.querySelectorAll('#nav a')) a.hidden = !!a.dataset.role && !can(a.dataset.role);
    $('app').hidden = false;
    route();
  }

  $('login-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    $('login-error').hidden = true;
    try {
      await api('POST', A + '/login', { name: $('login-name').value, password: $('login-password').value });
      $('login-password').value = '';
      await start();
    } catch (err) {
      $('login-error').textContent = err.message;
      $('login-error').hidden = false;
    }
  });
  $('logout').addEventListener('click', async () => {
    try { await api('POST', A + '/logout', {}); } catch (_) { /* the session is gone either way */ }
    showLogin();
  });

  // ---- routing --------------------------------------------------------------

  const pages = {};
  async function route() {
    if (!me) return;
    let name = (location.hash || '#dashboard').slice(1).split('/')[0];
    const link = document.querySelector(`#nav a[data-page="${name}"]`);
    if (!pages[name] || !link || link.hidden) name = 'dashboard';
    for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.page === name);
    const page = $('page');
    page.replaceChildren(el('p', { class: 'muted' }, '加载中…'));
    page.dataset.page = name;
    try {
      await pages[name](page);
    } catch (err) {
      page.replaceChildren(errorBox(err));
    }
  }
  window.addEventListener('hashchange', route);

  // ---- shared: documents and the clause tree --------------------------------

  async function documents() { return (await get(A + '/documents')).documents; }
  async function documentWithClauses(id) { return get(A + '/documents/' + enc(id)); }
  const depth = (id) => Math.min(3, id.split('.').length - 1);

  // clauseTree renders the clauses of one document as buttons; onPick(c).
  function clauseTree(doc, onPick, selected) {
    const box = el('div', { class: 'tree-list' });
    for (const c of doc.clauses || []) {
      const b = el('button', { type: 'button', class: 'depth-' + depth(c.id) + (c.id === selected ? ' sel' : ''), dataset: { clause: c.id } },
        c.label + (c.title ? ' ' + c.title : ''), c.text ? el('span', { class: 'muted' }, ' ' + Array.from(c.text).slice(0, 24).join('') + '…') : '');
      b.addEventListener('click', () => {
        for (const o of box.querySelectorAll('button.sel')) o.classList.remove('sel');
        b.classList.add('sel');
        onPick(c);
      });
      box.append(b);
    }
    return box;
  }

  // docSelect is a <select> of the documents; onChange(id).
  function docSelect(docs, value, onChange) {
    const s = el('select', { 'aria-label': '选择文件' }, docs.map((d) => el('option', { value: d.id }, d.title)));
    if (value) s.value = value;
    s.addEventListener('change', () => onChange(s.value));
    return s;
  }

  // ---- dashboard --------------------------------------------------------------

  function barChart(days) {
    const W = 760, H = 220, P = 30, n = Math.max(days.length, 1);
    const max = Math.max(1, ...days.map((d) => d.total));
    const bw = (W - P * 2) / n;
    const g = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': '每日问题数' });
    g.append(svg('text', { x: 4, y: 14 }, String(max)));
    g.append(svg('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, stroke: '#d6dbe1' }));
    days.forEach((d, i) => {
      const x = P + i * bw + 2, w = Math.max(2, bw - 4);
      const ha = (H - P * 2) * d.answered / max, hr = (H - P * 2) * (d.total - d.answered) / max;
      g.append(svg('rect', { class: 'answered', x, y: H - P - ha, width: w, height: ha }, svg('title', {}, `${d.day} 回答 ${d.answered}`)));
      g.append(svg('rect', { class: 'refused', x, y: H - P - ha - hr, width: w, height: hr }, svg('title', {}, `${d.day} 拒答 ${d.total - d.answered}`)));
      if (n <= 31 && (n < 10 || i % Math.ceil(n / 10) === 0)) g.append(svg('text', { x, y: H - P + 14 }, d.day.slice(5)));
      g.append(svg('text', { x, y: H - P - ha - hr - 3 }, String(d.total)));
    });
    return g;
  }
  function hbars(rows) {
    // Sized for a half-width card, so that the text is not scaled down.
    const W = 440, rowH = 24, H = rows.length * rowH + 8, L = 170;
    const max = Math.max(1, ...rows.map((r) => r.value));
    const g = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img' });
    rows.forEach((r, i) => {
      const y = 4 + i * rowH, w = (W - L - 60) * r.value / max;
      g.append(svg('text', { x: 4, y: y + 15 }, r.label));
      g.append(svg('rect', { class: 'bar', x: L, y: y + 3, width: Math.max(1, w), height: rowH - 8 }));
      g.append(svg('text', { x: L + w + 6, y: y + 15 }, String(r.value)));
    });
    return g;
  }
  pages.dashboard = async (page) => {
    const r = await get(A + '/stats?days=30');
    const st = r.stats;
    const total = st.answered + st.refused;
    const pct = (a, b) => (b ? Math.round(100 * a / b) + '%' : '—');
    const kpi = (label, value, note) => el('div', { class: 'kpi' }, label, el('b', {}, String(value)), note ? el('span', { class: 'muted' }, note) : '');
    const dayRows = st.days.map((d) => el('tr', {}, el('td', {}, d.day), el('td', { class: 'num' }, d.total), el('td', { class: 'num' }, d.answered),
      el('td', { class: 'num' }, d.total - d.answered), el('td', {}, Object.entries(d.channels).map(([c, n]) => `${c} ${n}`).join('，'))));
    page.replaceChildren(
      el('h2', {}, '概览（最近 30 天）'),
      el('div', { class: 'kpis' },
        kpi('问题', total), kpi('已回答', st.answered, pct(st.answered, total)), kpi('拒答', st.refused, pct(st.refused, total)),
        kpi('有帮助', st.helpful), kpi('没帮助', st.unhelpful, pct(st.unhelpful, st.helpful + st.unhelpful))),
      el('section', { class: 'card' }, el('h3', {}, '每日问题数'),
        el('p', { class: 'legend' }, el('span', {}, el('i', { class: 'sw answered' }), '回答'), el('span', {}, el('i', { class: 'sw refused' }), '拒答')),
        st.days.length ? barChart(st.days) : el('p', { class: 'muted' }, '还没有问题记录。'),
        el('table', { class: 'grid', id: 'days-table' }, el('tr', {}, el('th', {}, '日期'), el('th', { class: 'num' }, '问题'), el('th', { class: 'num' }, '回答'),
          el('th', { class: 'num' }, '拒答'), el('th', {}, '渠道')), dayRows)),
      el('div', { class: 'cols' },
        el('section', { class: 'card' }, el('h3', {}, '渠道'),
          hbars(Object.entries(st.channels).map(([c, n]) => ({ label: c, value: n }))),
          el('h3', {}, '回答与拒答'), hbars([{ label: '回答', value: st.answered }, { label: '拒答', value: st.refused }]),
          el('h3', {}, '反馈'), hbars([{ label: '有帮助', value: st.helpful }, { label: '没帮助', value: st.unhelpful }])),
        el('section', { class: 'card' }, el('h3', {}, '引用最多的条款'),
          st.top_clauses.length ? hbars(st.top_clauses.map((c) => ({ label: new Set(st.top_clauses.map((x) => x.doc)).size > 1 ? c.doc.slice(0, 12) + ' ' + c.clause : '条款 ' + c.clause, value: c.count }))) : el('p', { class: 'muted' }, '暂无。'))),
      el('section', { class: 'card' }, el('h3', {}, '未处理问题（次数最多）'),
        r.top_unanswered.length ? el('ol', { id: 'top-unanswered' }, r.top_unanswered.map((it) => el('li', {}, it.question, el('span', { class: 'muted' }, `（${it.count} 次）`))))
          : el('p', { class: 'muted' }, '没有未处理的问题。'),
        el('a', { href: '#queue' }, '去处理 →')));
  };

  // ---- the unanswered-question queue -----------------------------------------

  const REASONS = { refused: '拒答', low_confidence: '低置信度', unhelpful: '没帮助' };
  const ACTIONS = { link: '已关联条款', out_of_scope: '超出范围', dismiss: '已忽略' };

  pages.queue = async (page) => {
    const status = sessionStorage.getItem('zhiyin.queue.status') || 'open';
    const r = await get(A + '/review?status=' + enc(status));
    const sel = el('select', { id: 'queue-status', 'aria-label': '筛选' },
      el('option', { value: 'open' }, '未处理'), el('option', { value: 'resolved' }, '已处理'), el('option', { value: 'all' }, '全部'));
    sel.value = status;
    sel.addEventListener('change', () => { sessionStorage.setItem('zhiyin.queue.status', sel.value); route(); });
    const list = el('div', { id: 'queue-list' });
    for (const it of r.items) list.append(queueItem(it));
    if (!r.items.length) list.append(el('p', { class: 'muted' }, status === 'open' ? '没有待处理的问题。' : '没有记录。'));
    page.replaceChildren(
      el('h2', {}, '待处理问题'),
      el('p', { class: 'muted' }, `被拒答、置信度低于 ${r.threshold}、或被标为“没帮助”的问题；相近的问法合为一项。未处理 ${r.open} 项，共 ${r.total} 项（最近 ${r.days} 天）。处理结果在下次发布后生效。`),
      el('div', { class: 'row' }, el('label', { for: 'queue-status' }, '显示'), sel),
      list);
  };

  function queueItem(it) {
    const card = el('article', { class: 'card q-item' + (it.resolution ? ' resolved' : ''), dataset: { key: it.key } });
    const meta = el('div', { class: 'row' },
      Object.entries(it.channels).map(([c, n]) => el('span', { class: 'pill' }, `${c} ${n}`)),
      Object.entries(it.reasons).map(([c, n]) => el('span', { class: 'pill warn' }, `${REASONS[c] || c} ${n}`)),
      el('span', { class: 'muted' }, `首次 ${fmtTime(it.first)} · 最近 ${fmtTime(it.last)}`));
    card.append(el('p', { class: 'q-text' }, el('span', { class: 'count', title: '次数' }, String(it.count)), it.question), meta);
    if (it.variants.length) card.append(el('p', { class: 'muted' }, '其他问法：' + it.variants.join(' ／ ')));
    const res = it.resolution;
    if (res) {
      let what = ACTIONS[res.action] || res.action;
      if (res.action === 'link') what += ` ${res.doc}#${res.clause}（问答 ${res.faq}）`;
      card.append(el('p', { class: 'resolution' }, el('span', { class: 'pill done' }, what),
        ` ${res.by} · ${fmtTime(res.time)} `, res.pending ? el('span', { class: 'pill warn' }, '待发布') : el('span', { class: 'pill' }, '已生效')));
    }
    if (can('editor') && !res) {
      const picker = el('div', { class: 'link-picker', hidden: true });
      const resolve = async (action, doc, clause) => {
        try {
          const { data } = await api('POST', A + '/review/resolve', { key: it.key, action, doc, clause });
          card.replaceWith(queueItem(data));
          toast(ACTIONS[action] + '：下次发布后生效');
        } catch (err) { card.append(errorBox(err)); }
      };
      card.append(el('div', { class: 'row actions' },
        el('button', { type: 'button', class: 'primary small', dataset: { action: 'link' }, onclick: () => openPicker(picker, resolve) }, '关联条款…'),
        el('button', { type: 'button', class: 'secondary small', dataset: { action: 'out_of_scope' }, onclick: () => resolve('out_of_scope') }, '超出范围'),
        el('button', { type: 'button', class: 'secondary small', dataset: { action: 'dismiss' }, onclick: () => resolve('dismiss') }, '忽略')), picker);
    }
    return card;
  }

  async function openPicker(box, resolve) {
    if (!box.hidden) { box.hidden = true; return; }
    box.hidden = false;
    box.replaceChildren(el('p', { class: 'muted' }, '加载条款…'));
    const docs = await documents();
    let chosen = null;
    const ok = el('button', { type: 'button', class: 'primary small', disabled: true, dataset: { action: 'confirm-link' } }, '关联到所选条款');
    const label = el('span', { class: 'muted' }, '请选择条款');
    const treeBox = el('div', { class: 'picker' });
    const show = async (id) => {
      const d = await documentWithClauses(id);
      treeBox.replaceChildren(clauseTree(d, (c) => {
        chosen = { doc: d.id, clause: c.id };
        label.textContent = `${d.short_title || d.title} ${c.label}`;
        ok.disabled = false;
      }));
    };
    ok.addEventListener('click', () => chosen && resolve('link', chosen.doc, chosen.clause));
    box.replaceChildren(el('div', { class: 'row' }, docSelect(docs, docs[0] && docs[0].id, show), label, ok), treeBox);
    if (docs.length) await show(docs[0].id);
  }

  // ---- documents: list, metadata, import with a dry run ------------------------

  pages.documents = async (page) => {
    const docs = await documents();
    const rows = docs.map((d) => {
      const tr = el('tr', { dataset: { doc: d.id } }, el('td', {}, d.id), el('td', {}, d.title), el('td', {}, String(d.year || '')), el('td', {}, d.status));
      const td = el('td', {});
      if (can('editor')) {
        td.append(el('button', { type: 'button', class: 'secondary small', onclick: () => editMeta(d, tr) }, '修改'));
      }
      tr.append(td);
      return tr;
    });
    page.replaceChildren(el('h2', {}, '文件'),
      el('table', { class: 'grid' }, el('tr', {}, el('th', {}, '编号'), el('th', {}, '标题'), el('th', {}, '年份'), el('th', {}, '状态'), el('th', {}, '')), rows),
      can('editor') ? importForm() : '');
  };

  function editMeta(d, tr) {
    const title = el('input', { class: 'wide', value: d.title, 'aria-label': '标题' });
    const status = el('select', { 'aria-label': '状态' }, STATUS.map((s) => el('option', { value: s }, s)));
    status.value = d.status;
    const msg = el('span', {});
    const save = async () => {
      try {
        const cur = await api('GET', A + '/documents/' + enc(d.id));
        await api('PUT', A + '/documents/' + enc(d.id), { title: title.value, status: status.value }, { 'If-Match': cur.etag });
        toast('已保存到草稿');
        route();
      } catch (err) { msg.replaceChildren(errorBox(err)); }
    };
    const row = el('tr', {}, el('td', { colspan: 5 }, el('div', { class: 'row' }, title, status,
      el('button', { type: 'button', class: 'primary small', onclick: save }, '保存'), msg)));
    tr.after(row);
  }

  function importForm() {
    const id = el('input', { id: 'import-id', placeholder: '文件编号，如 gz-2018-guideline', class: 'grow' });
    const status = el('select', { id: 'import-status', 'aria-label': '状态' }, STATUS.map((s) => el('option', { value: s }, s)));
    const text = el('textarea', { id: 'import-text', class: 'big', placeholder: '粘贴从 PDF/Word 提取的文字或 Markdown，或选择文件' });
    const file = el('input', { type: 'file', accept: '.txt,.md,.markdown,text/plain,text/markdown', 'aria-label': '选择文件' });
    file.addEventListener('change', () => {
      const f = file.files[0];
      if (!f) return;
      const rd = new FileReader();
      rd.onload = () => { text.value = String(rd.result); };
      rd.readAsText(f, 'utf-8');
    });
    const out = el('div', { id: 'import-result' });
    const send = async (dry) => {
      out.replaceChildren(el('p', { class: 'muted' }, dry ? '预览中…' : '保存中…'));
      const q = `?id=${enc(id.value.trim())}&status=${enc(status.value)}` + (dry ? '&dry_run=1' : '');
      try {
        const { data } = await api('POST', A + '/documents' + q, text.value, { 'Content-Type': 'text/markdown; charset=utf-8' });
        const warn = data.warnings.length ? el('ul', { class: 'warnings' }, data.warnings.map((w) => el('li', { class: 'pill warn' }, w))) : el('p', { class: 'ok' }, '没有发现问题。');
        out.replaceChildren(el('h3', {}, data.saved ? '已导入草稿：' + data.document.title : '预览：' + data.document.title), warn,
          el('div', { class: 'picker' }, clauseTree(data.document, () => {})));
        if (data.saved) toast('已导入，发布后生效');
      } catch (err) {
        const m = /line (\d+)/.exec(err.message);
        const lines = el('div', { class: 'lines', id: 'import-lines' });
        text.value.split('\n').forEach((l, i) => {
          lines.append(el('div', { class: m && Number(m[1]) === i + 1 ? 'bad' : '' }, el('span', { class: 'ln' }, String(i + 1)), l));
        });
        out.replaceChildren(errorBox(err), m ? lines : '');
        const bad = lines.querySelector('.bad');
        if (bad) bad.scrollIntoView({ block: 'center' });
      }
    };
    return el('section', { class: 'card' }, el('h3', {}, '导入新文件'),
      el('div', { class: 'row' }, id, status, file), text,
      el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', id: 'import-preview', onclick: () => send(true) }, '预览'),
        el('button', { type: 'button', class: 'primary', id: 'import-save', onclick: () => send(false) }, '导入')), out);
  }

  // ---- clause editor ---------------------------------------------------------

  pages.clauses = async (page) => {
    const docs = await documents();
    const [, hdoc, hclause] = (location.hash.slice(1).split('/').map(decodeURIComponent));
    let docID = hdoc || (docs[0] && docs[0].id);
    const treeBox = el('div', { class: 'card' });
    const editor = el('div', { id: 'clause-editor' }, el('p', { class: 'muted' }, '在左侧选择条款。'));
    const showDoc = async (id) => {
      docID = id;
      const d = await documentWithClauses(id);
      treeBox.replaceChildren(clauseTree(d, (c) => { history.replaceState(null, '', `#clauses/${enc(id)}/${enc(c.id)}`); openClause(editor, id, c.id); }, hclause));
    };
    page.replaceChildren(el('h2', {}, '条款'), el('div', { class: 'row' }, docSelect(docs, docID, showDoc)),
      el('div', { class: 'cols' }, treeBox, editor));
    // The tree and editor sit side by side; the editor column is wider on a desk.
    if (docID) await showDoc(docID);
    if (docID && hclause) await openClause(editor, docID, hclause);
  };

  async function openClause(box, doc, id) {
    const path = A + '/documents/' + enc(doc) + '/clauses/' + enc(id);
    const cur = await api('GET', path);
    let published = null;
    try { published = (await get('/api/v1/documents/' + enc(doc) + '/clauses/' + enc(id))).clause; } catch (_) { published = null; }
    let etag = cur.etag;
    const c = cur.data;
    const title = el('input', { id: 'clause-title', class: 'wide', value: c.title || '', 'aria-label': '标题' });
    const text = el('textarea', { id: 'clause-text', class: 'big', 'aria-label': '条款文字' });
    text.value = c.text || '';
    const pubText = published ? published.text || '' : '';
    const diffBox = el('div', { id: 'clause-diff' });
    const redraw = () => diffBox.replaceChildren(published ? diffView(pubText, text.value) : el('p', { class: 'muted' }, '该条款尚未发布。'));
    text.addEventListener('input', redraw);
    redraw();
    const msg = el('div', { id: 'clause-msg' });
    const save = async (over) => {
      msg.replaceChildren();
      try {
        const r = await api('PUT', path, { title: title.value, text: text.value }, { 'If-Match': over || etag });
        etag = r.etag;
        msg.replaceChildren(el('p', { class: 'ok' }, '已保存到草稿（发布后生效）'));
        box.classList.remove('conflict');
      } catch (err) {
        if (err.status !== 412) { msg.replaceChildren(errorBox(err)); return; }
        // Someone saved meanwhile: show both and let the editor merge.
        const theirs = await api('GET', path);
        box.classList.add('conflict');
        const merged = el('textarea', { id: 'merge-text', class: 'mid', 'aria-label': '合并结果' });
        merged.value = text.value;
        msg.replaceChildren(el('section', { class: 'card', id: 'conflict' },
          el('h3', { class: 'error' }, '保存冲突：他人已修改此条款'),
          el('div', { class: 'cols' },
            el('div', {}, el('h3', {}, '对方已保存的版本'), el('div', { class: 'diff', id: 'theirs-text' }, theirs.data.text)),
            el('div', {}, el('h3', {}, '我的版本'), el('div', { class: 'diff', id: 'mine-text' }, text.value))),
          el('h3', {}, '差异（对方 → 我的）'), diffView(theirs.data.text, text.value),
          el('h3', {}, '合并后的文字'), merged,
          el('div', { class: 'row' },
            el('button', { type: 'button', class: 'secondary', id: 'take-theirs', onclick: () => { text.value = theirs.data.text; title.value = theirs.data.title || ''; etag = theirs.etag; redraw(); msg.replaceChildren(el('p', { class: 'ok' }, '已采用对方的版本')); box.classList.remove('conflict'); } }, '采用对方版本'),
            el('button', { type: 'button', class: 'primary', id: 'save-merged', onclick: () => { text.value = merged.value; redraw(); save(theirs.etag); } }, '保存合并结果'))));
      }
    };
    box.replaceChildren(
      el('h3', {}, `${c.label} ${doc}#${c.id}`),
      el('label', { for: 'clause-title' }, '标题'), title,
      el('div', { class: 'cols' },
        el('div', {}, el('h3', {}, '已发布'), el('div', { class: 'diff', id: 'clause-published' }, published ? pubText : '（未发布）')),
        el('div', {}, el('h3', {}, '草稿'), text)),
      el('h3', {}, '与已发布版本的差异'), diffBox,
      can('editor') ? el('div', { class: 'row' }, el('button', { type: 'button', class: 'primary', id: 'clause-save', onclick: () => save() }, '保存到草稿')) : '',
      msg);
  }

  // ---- FAQ editor with "try it" ----------------------------------------------

  pages.faqs = async (page) => {
    const faqs = (await get(A + '/faqs')).faqs;
    const form = el('div', { class: 'card', id: 'faq-form' });
    const list = el('div', { class: 'tree-list card' }, faqs.map((f) => el('button', { type: 'button', dataset: { faq: f.id }, onclick: () => faqForm(form, f) },
      f.question, el('span', { class: 'muted' }, ` · ${f.clauses.join('、')}`))));
    page.replaceChildren(el('h2', {}, '问答'),
      el('div', { class: 'row' }, can('editor') ? el('button', { type: 'button', class: 'secondary', onclick: () => faqForm(form, null) }, '新建问答') : ''),
      el('div', { class: 'cols' }, list, el('div', {}, form, tryBox())));
    faqForm(form, faqs[0] || null);
  };

  function faqForm(box, f) {
    const isNew = !f;
    f = f || { id: '', doc: '', clauses: [], question: '', similar: [] };
    const id = el('input', { class: 'wide', value: f.id, disabled: !isNew, 'aria-label': '编号' });
    const doc = el('input', { class: 'wide', value: f.doc, 'aria-label': '文件编号' });
    const clauses = el('input', { class: 'wide', value: f.clauses.join(', '), 'aria-label': '条款' });
    const q = el('input', { class: 'wide', value: f.question, 'aria-label': '标准问题' });
    const sim = el('textarea', { class: 'mid', 'aria-label': '相似问题' });
    sim.value = (f.similar || []).join('\n');
    const msg = el('div', {});
    const body = () => ({ id: id.value.trim(), doc: doc.value.trim(), clauses: clauses.value.split(/[,，\s]+/).filter(Boolean),
      question: q.value.trim(), similar: sim.value.split('\n').map((s) => s.trim()).filter(Boolean) });
    const save = async () => {
      try {
        if (isNew) await api('POST', A + '/faqs', body());
        else {
          const cur = await api('GET', A + '/faqs/' + enc(f.id));
          await api('PUT', A + '/faqs/' + enc(f.id), body(), { 'If-Match': f.etag || cur.etag });
        }
        toast('已保存到草稿');
        route();
      } catch (err) { msg.replaceChildren(errorBox(err)); }
    };
    const del = async () => {
      try {
        await api('DELETE', A + '/faqs/' + enc(f.id), undefined, { 'If-Match': f.etag });
        toast('已删除（草稿）');
        route();
      } catch (err) { msg.replaceChildren(errorBox(err)); }
    };
    box.replaceChildren(el('h3', {}, isNew ? '新建问答' : '问答 ' + f.id),
      el('label', {}, '编号'), id, el('label', {}, '文件'), doc, el('label', {}, '条款（第一个为主条款，逗号分隔）'), clauses,
      el('label', {}, '标准问题'), q, el('label', {}, '相似问题（每行一个）'), sim,
      can('editor') ? el('div', { class: 'row' }, el('button', { type: 'button', class: 'primary', onclick: save }, '保存到草稿'),
        isNew ? '' : el('button', { type: 'button', class: 'secondary', onclick: del }, '删除')) : '', msg);
  }

  function tryBox() {
    const q = el('input', { id: 'try-q', class: 'grow', placeholder: '输入问题，看草稿会怎么回答', 'aria-label': '试一试' });
    const out = el('div', { id: 'try-result' });
    const run = async () => {
      out.replaceChildren(el('p', { class: 'muted' }, '用草稿生成中…'));
      try {
        const { data } = await api('POST', A + '/try', { question: q.value });
        const c = data.citations && data.citations[0];
        out.replaceChildren(el('p', {}, el('span', { class: 'pill ' + (data.answered ? 'done' : 'warn') }, data.answered ? '回答' : '拒答'),
          ` 置信度 ${data.confidence}`), el('p', {}, data.answer),
          c ? el('p', { class: 'muted', id: 'try-citation' }, `依据：${c.doc}#${c.clause} ${c.label}`) : '');
      } catch (err) { out.replaceChildren(errorBox(err)); }
    };
    q.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') run(); });
    return el('section', { class: 'card' }, el('h3', {}, '试一试（用草稿回答）'),
      can('editor') ? el('div', { class: 'row' }, q, el('button', { type: 'button', class: 'primary', id: 'try-btn', onclick: run }, '试答')) : el('p', { class: 'muted' }, '编辑可用。'), out);
  }

  // ---- lexicon with a segmentation preview --------------------------------------

  pages.lexicon = async (page) => {
    const [words, syns] = await Promise.all([get(A + '/lexicon/words'), get(A + '/lexicon/synonyms')]);
    const msg = el('div', {});
    const fail = (err) => msg.replaceChildren(errorBox(err));
    const wordRows = words.words.map((w) => el('tr', {}, el('td', {}, w.text), el('td', { class: 'num' }, String(w.freq || '')), el('td', {}, w.pos === 'x' ? '非词（不切出）' : w.pos === 'scene' ? '场景词（轻权重）' : (w.pos || '')),
      el('td', {}, can('editor') ? el('button', { type: 'button', class: 'secondary small', onclick: () => api('DELETE', A + '/lexicon/words/' + enc(w.text), undefined, { 'If-Match': w.etag }).then(route, fail) }, '删除') : '')));
    const synRows = syns.synonyms.map((s) => el('tr', {}, el('td', {}, s.words.join(' ＝ ')),
      el('td', {}, can('editor') ? el('button', { type: 'button', class: 'secondary small', onclick: () => api('DELETE', A + '/lexicon/synonyms/' + s.id, undefined, { 'If-Match': s.etag }).then(route, fail) }, '删除') : '')));
    const nw = el('input', { placeholder: '新词', 'aria-label': '新词' });
    // A "non-word" (pos x) takes a general-dictionary word out of the cut:
    // 商报 in 供应商报的方案 (see nlp.NotAWord). A "scene word" (pos scene)
    // names the asker's world — 敬老院, 地下室 — and weighs little in a
    // question (see nlp.SceneWord).
    const nx = el('select', { id: 'nw-kind', 'aria-label': '词的类别' },
      el('option', { value: '' }, '领域词'),
      el('option', { value: 'scene', title: '提问人的单位、场所等背景词（如“敬老院”“地下室”）：问题中权重很轻' }, '场景词'),
      el('option', { value: 'x', title: '误切问题的通用词（如“供应商报”中的“商报”）：从词典中删去' }, '非词'));
    const ns = el('input', { class: 'grow', placeholder: '同义词，空格分隔，正式用语在前', 'aria-label': '同义词组' });
    const seg = el('input', { id: 'seg-text', class: 'grow', value: '值班人员晚上要远程登录系统处理故障', 'aria-label': '分词预览' });
    const segOut = el('div', { id: 'seg-result' });
    const preview = async () => {
      try {
        const { data } = await api('POST', A + '/segment', { text: seg.value });
        segOut.replaceChildren(...data.tokens.map((t) => el('span', { class: 'tok' + (t.domain ? ' domain' : '') + (t.stop ? ' stop' : ''),
          title: t.synonyms ? '同义：' + t.synonyms.join('、') : '' }, t.term)),
        el('p', { class: 'muted' }, '蓝框：领域词；虚线：停用词（不参与检索）。'));
      } catch (err) { segOut.replaceChildren(errorBox(err)); }
    };
    page.replaceChildren(el('h2', {}, '词表'), msg,
      el('section', { class: 'card' }, el('h3', {}, '分词预览（草稿词表）'), el('div', { class: 'row' }, seg, el('button', { type: 'button', class: 'primary', id: 'seg-btn', onclick: preview }, '切分')), segOut),
      el('div', { class: 'cols' },
        el('section', { class: 'card' }, el('h3', {}, `领域词（${words.words.length}）`),
          can('editor') ? el('div', { class: 'row' }, nw, nx, el('button', { type: 'button', class: 'secondary small', onclick: () => api('POST', A + '/lexicon/words', nx.value ? { text: nw.value.trim(), pos: nx.value } : { text: nw.value.trim() }).then(route, fail) }, '添加')) : '',
          el('table', { class: 'grid' }, el('tr', {}, el('th', {}, '词'), el('th', { class: 'num' }, '词频'), el('th', {}, '词性'), el('th', {}, '')), wordRows)),
        el('section', { class: 'card' }, el('h3', {}, `同义词组（${syns.synonyms.length}）`),
          can('editor') ? el('div', { class: 'row' }, ns, el('button', { type: 'button', class: 'secondary small', onclick: () => api('POST', A + '/lexicon/synonyms', { words: ns.value.trim().split(/\s+/) }).then(route, fail) }, '添加')) : '',
          el('table', { class: 'grid' }, synRows))));
    await preview();
  };

  // ---- publish: pending changes, impact, history --------------------------------

  const KINDS = { document: '文件', clause: '条款', faq: '问答', word: '领域词', synonym: '同义词', negative: '负例' };
  const OPS = { added: '新增', changed: '修改', removed: '删除' };

  pages.publish = async (page) => {
    const [drafts, impact, revs] = await Promise.all([get(A + '/drafts'), get(A + '/impact'), get(A + '/revisions?limit=30')]);
    const changes = el('div', { id: 'changes' }, drafts.changes.map((c) => el('article', { class: 'card change ' + c.op },
      el('p', {}, el('span', { class: 'pill' }, KINDS[c.kind] || c.kind), el('span', { class: 'pill' }, OPS[c.op] || c.op), ' ', c.key),
      diffView(c.before || '', c.after || ''))));
    if (!drafts.changes.length) changes.append(el('p', { class: 'muted' }, '草稿与已发布版本相同，没有要发布的修改。'));
    const imp = el('section', { class: 'card', id: 'impact' }, el('h3', {}, '受影响的问答（条款文字有改动）'),
      impact.items.length ? el('ul', {}, impact.items.map((it) => el('li', {}, `${it.label}（${it.doc}#${it.clause}）：`,
        it.faqs.length ? it.faqs.map((f) => el('span', { class: 'pill warn' }, `${f.id} ${f.question}`)) : el('span', { class: 'muted' }, '没有问答指向该条款'))))
        : el('p', { class: 'muted' }, '没有。'));
    const message = el('input', { id: 'publish-message', class: 'grow', placeholder: '发布说明，如：处理未答问题', 'aria-label': '发布说明' });
    const msg = el('div', { id: 'publish-msg' });
    const publish = async () => {
      try {
        const { data } = await api('POST', A + '/publish', { message: message.value });
        toast(`已发布版本 ${data.n}`);
        await route();
      } catch (err) { msg.replaceChildren(errorBox(err)); }
    };
    const restore = async (n) => {
      if (!confirm(`把版本 ${n} 重新发布为新版本？`)) return;
      try {
        const { data } = await api('POST', A + `/revisions/${n}/restore`, {});
        toast(`已恢复，新版本 ${data.n}`);
        await route();
      } catch (err) { msg.replaceChildren(errorBox(err)); }
    };
    const hist = el('table', { class: 'grid', id: 'history' }, el('tr', {}, el('th', {}, '版本'), el('th', {}, '时间'), el('th', {}, '发布人'), el('th', {}, '说明'), el('th', { class: 'num' }, '改动'), el('th', {}, '')),
      revs.revisions.map((r) => el('tr', {}, el('td', {}, String(r.n) + (r.n === revs.revision ? '（服务中）' : '')), el('td', {}, fmtTime(r.time)), el('td', {}, r.author), el('td', {}, r.message),
        el('td', { class: 'num' }, String((r.changes || []).length)),
        el('td', {}, can('editor') && r.n !== revs.revision ? el('button', { type: 'button', class: 'secondary small', onclick: () => restore(r.n) }, '恢复') : ''))));
    page.replaceChildren(el('h2', {}, `发布（正在服务版本 ${drafts.revision}）`),
      el('h3', {}, `待发布的修改（${drafts.changes.length}）`), changes, imp,
      can('editor') ? el('section', { class: 'card' }, el('div', { class: 'row' }, message,
        el('button', { type: 'button', class: 'primary', id: 'publish-btn', onclick: publish, disabled: !drafts.changes.length }, '发布')), msg) : '',
      el('h3', {}, '历史'), hist);
  };

  // ---- audit log (admin) -------------------------------------------------------

  pages.audit = async (page) => {
    const r = await get(A + '/audit?limit=300');
    page.replaceChildren(el('h2', {}, '审计日志'),
      el('table', { class: 'grid', id: 'audit-table' }, el('tr', {}, el('th', {}, '时间'), el('th', {}, '操作人'), el('th', {}, '来源'), el('th', {}, '操作'), el('th', {}, '对象'), el('th', {}, '详情')),
        r.entries.map((e) => el('tr', {}, el('td', { class: 'nowrap' }, fmtTime(e.time)), el('td', {}, e.actor), el('td', {}, e.remote || ''), el('td', {}, e.action), el('td', {}, e.target || ''), el('td', {}, e.detail || '')))));
  };

  start();
})();
