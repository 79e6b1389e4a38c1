// ictstat report: fact navigation, the detail panel and the reviewer's corrections.
// Decisions live in localStorage under one key per run and are exported as gold JSONL
// (shared/spec/gold-format.md). Nothing here reads the network. Document text is only ever
// handled as text (textContent, Range.toString), never as HTML.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('data').textContent);
  var units = JSON.parse(document.getElementById('units').textContent);
  var KEY = 'ictstat-review:' + data.run;
  var $ = function (id) { return document.getElementById(id); };

  function load() {
    try { var s = JSON.parse(localStorage.getItem(KEY)); if (s && s.docs) return s; } catch (e) { /* unreadable: start over */ }
    return { docs: {} };
  }
  function store(s) { localStorage.setItem(KEY, JSON.stringify(s)); }

  // ---- gold lines (the gold format's fields, in its order) ----
  function goldOf(f, doc) {
    var g = { doc: doc, metric: f.metric, value: f.value };
    if (f.value_high != null) g.value_high = f.value_high;
    g.unit = f.unit;
    if (f.of != null) g.of = f.of;
    g.province = f.province;
    g.period = f.period;
    if (f.basis) g.basis = f.basis;
    g.status = f.status;
    if (f.bound) g.bound = f.bound;
    if (f.converted) g.converted = true;
    if (f.flag) g.flag = f.flag;
    if (f.raw) g.cue = f.raw;
    return g;
  }
  var NUMERIC = { value: 1, value_high: 1, of: 1 };
  function typed(field, v) {
    v = String(v).trim();
    if (v === '') return null;
    if (NUMERIC[field]) { var n = Number(v.replace(/\s/g, '')); return isFinite(n) ? n : undefined; }
    if (field === 'converted') return /^(1|true|yes|có)$/i.test(v);
    return v;
  }
  function exportText() {
    var s = load(), lines = [];
    Object.keys(s.docs).sort().forEach(function (doc) {
      var d = s.docs[doc];
      d.base.forEach(function (b) {
        if (d.decisions[b.id] === 'wrong') return;
        var g = Object.assign({}, b.gold);
        var fix = d.fixes[b.id] || {};
        Object.keys(fix).forEach(function (k) { if (fix[k] === null) delete g[k]; else g[k] = fix[k]; });
        lines.push(JSON.stringify(g));
      });
      d.added.forEach(function (a) { lines.push(JSON.stringify(a.gold)); });
    });
    return lines.length ? lines.join('\n') + '\n' : '';
  }
  function reviewedDocs() {
    var s = load();
    return Object.keys(s.docs).sort().map(function (d) { return s.docs[d].gold_doc; });
  }
  function download(name, text, type) {
    if (document.body.dataset.scripted) return; // a scripted run reads the text from the page
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function showExport(id, text) { var p = $(id); p.textContent = text; p.hidden = false; }
  function refreshCount() {
    var s = load(), n = Object.keys(s.docs).length, el = $('review-count');
    if (el) el.textContent = n ? n + ' reviewed document(s) kept in this browser for run ' + data.run + '.' : 'No decisions yet.';
  }
  $('btn-export').addEventListener('click', function () {
    var t = exportText();
    showExport('export-jsonl', t);
    download('corrections.jsonl', t, 'application/x-ndjson');
  });
  $('btn-export-docs').addEventListener('click', function () {
    var t = reviewedDocs().join('\n') + '\n';
    showExport('export-docs', t);
    download('reviewed-docs.txt', t, 'text/plain');
  });
  $('btn-clear').addEventListener('click', function () {
    if (document.body.dataset.scripted || window.confirm('Forget every decision kept for this run?')) {
      localStorage.removeItem(KEY);
      refreshCount();
      if (data.page === 'doc') paintDecisions();
    }
  });
  var sel = $('metric-select');
  if (sel) sel.addEventListener('change', function () { window.location.href = sel.value; });
  refreshCount();
  if (data.page !== 'doc') { document.body.dataset.ready = '1'; return; }

  // ---- document page ----
  var textEl = $('text');
  var facts = data.facts;
  var current = -1;
  function marksOf(i) { return textEl.querySelectorAll('mark[data-fact="' + i + '"]'); }
  function itemOf(i) { return document.querySelector('#facts li[data-ref="' + i + '"]'); }
  function docEntry(s) {
    var d = s.docs[data.doc];
    if (!d) {
      d = s.docs[data.doc] = { gold_doc: data.gold_doc, decisions: {}, fixes: {}, added: [], base: [] };
      facts.forEach(function (f) { if (f.spec) d.base.push({ id: f.id, gold: goldOf(f, data.gold_doc) }); });
    }
    return d;
  }
  function showDetail(i) {
    var f = facts[i], box = $('detail');
    box.textContent = '';
    var h = document.createElement('h2');
    h.textContent = f.metric + (f.spec ? '' : ' (ictstat id)');
    box.appendChild(h);
    var dl = document.createElement('dl');
    var rows = [['as written', f.raw], ['value', f.value], ['value high', f.value_high], ['of', f.of], ['unit', f.unit],
      ['period', f.period], ['province', f.province], ['basis', f.basis], ['status', f.status], ['bound', f.bound],
      ['converted', f.converted ? 'yes' : null], ['flag', f.flag ? f.flag + ': ' + (f.flag_reason || '') : null],
      ['growth %', f.growth_pct], ['plan share %', f.plan_share_pct], ['why', f.why], ['span', f.char_start + '–' + f.char_end]];
    var s = load(), d = s.docs[data.doc];
    if (d && d.decisions[i]) rows.push(['your decision', d.decisions[i]]);
    if (d && d.fixes[i]) rows.push(['your fixes', JSON.stringify(d.fixes[i])]);
    rows.forEach(function (r) {
      if (r[1] == null || r[1] === '') return;
      var dt = document.createElement('dt'), dd = document.createElement('dd');
      dt.textContent = r[0]; dd.textContent = String(r[1]);
      dl.appendChild(dt); dl.appendChild(dd);
    });
    box.appendChild(dl);
  }
  function select(i, focus) {
    if (i < 0 || i >= facts.length) return;
    if (current >= 0) {
      marksOf(current).forEach(function (m) { m.classList.remove('current'); });
      var old = itemOf(current); if (old) old.removeAttribute('aria-current');
    }
    current = i;
    var ms = marksOf(i);
    ms.forEach(function (m) { m.classList.add('current'); });
    var li = itemOf(i), side = $('side');
    if (li) {
      li.setAttribute('aria-current', 'true');
      // scroll the list only (scrollIntoView would move the page too)
      if (li.offsetTop < side.scrollTop || li.offsetTop > side.scrollTop + side.clientHeight - 40) side.scrollTop = li.offsetTop - side.clientHeight / 2;
    }
    if (focus && ms.length && document.activeElement !== ms[0]) ms[0].focus({ preventScroll: true });
    if (ms.length) ms[0].scrollIntoView({ block: 'nearest' });
    showDetail(i);
    $('current').textContent = 'Fact ' + (i + 1) + ' of ' + facts.length + ': ' + facts[i].metric + ' = ' + facts[i].value +
      (facts[i].spec ? '' : ' (an id of ictstat\u2019s own: not exported)');
    ['btn-right', 'btn-wrong', 'btn-fix'].forEach(function (b) { $(b).disabled = !facts[i].spec; });
  }
  function paintDecisions() {
    var d = load().docs[data.doc] || { decisions: {}, added: [] };
    facts.forEach(function (f) {
      var v = d.decisions[f.id];
      var els = Array.prototype.slice.call(marksOf(f.id));
      var li = itemOf(f.id); if (li) els.push(li);
      els.forEach(function (e) {
        e.classList.toggle('v-right', v === 'right');
        e.classList.toggle('v-wrong', v === 'wrong');
      });
    });
    var ul = $('added');
    ul.textContent = '';
    d.added.forEach(function (a, k) {
      var li = document.createElement('li');
      li.textContent = a.gold.metric + ' = ' + a.gold.value + ' ' + (a.gold.unit || '') + ' «' + (a.gold.cue || '') + '» ';
      var b = document.createElement('button');
      b.type = 'button'; b.textContent = 'remove';
      b.addEventListener('click', function () {
        var s = load(); docEntry(s).added.splice(k, 1); store(s); paintDecisions(); refreshCount();
      });
      li.appendChild(b);
      ul.appendChild(li);
    });
  }
  function decide(v) {
    if (current < 0 || !facts[current].spec) return;
    var s = load(), d = docEntry(s);
    d.decisions[current] = v;
    store(s);
    paintDecisions(); refreshCount(); showDetail(current);
    $('review-msg').textContent = 'Marked ' + v + '.';
  }
  $('btn-right').addEventListener('click', function () { decide('right'); });
  $('btn-wrong').addEventListener('click', function () { decide('wrong'); });
  $('btn-fix').addEventListener('click', function () { $('fix-form').hidden = false; $('fix-value').focus(); });
  $('fix-cancel').addEventListener('click', function () { $('fix-form').hidden = true; });
  $('fix-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (current < 0) return;
    var field = $('fix-field').value, v = typed(field, $('fix-value').value);
    if (v === undefined) { $('review-msg').textContent = 'Not a number: ' + $('fix-value').value; return; }
    var s = load(), d = docEntry(s);
    d.fixes[current] = d.fixes[current] || {};
    d.fixes[current][field] = v;
    if (field === 'metric' && units[v]) d.fixes[current].unit = units[v];
    d.decisions[current] = 'fix';
    store(s);
    $('fix-form').hidden = true; paintDecisions(); refreshCount(); showDetail(current);
    $('review-msg').textContent = 'Fixed ' + field + '.';
  });

  // ---- adding a missed figure from the selected text ----
  function cpCount(s) { var n = 0; for (var i = 0; i < s.length; i++) { var c = s.charCodeAt(i); if (c < 0xDC00 || c > 0xDFFF) n++; } return n; }
  function cpOffset(node, off) {
    var r = document.createRange(); r.setStart(textEl, 0); r.setEnd(node, off); return cpCount(r.toString());
  }
  // the DOM position of code point `cp` of the text
  function locate(cp) {
    var w = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT), n, seen = 0;
    while ((n = w.nextNode())) {
      var len = cpCount(n.data);
      if (seen + len >= cp) {
        var k = cp - seen, i = 0;
        while (k > 0 && i < n.data.length) { var c = n.data.charCodeAt(i); i += (c >= 0xD800 && c <= 0xDBFF) ? 2 : 1; k--; }
        return [n, i];
      }
      seen += len;
    }
    return [textEl, textEl.childNodes.length];
  }
  // a Vietnamese figure as a number: dots group thousands, a comma is the decimal mark
  function parseVi(raw) {
    var m = /\d[\d.,]*/.exec(raw);
    if (!m) return '';
    var t = m[0].replace(/[.,]$/, '');
    if (/^\d{1,3}(\.\d{3})+(,\d+)?$/.test(t) || /,/.test(t)) t = t.replace(/\./g, '').replace(',', '.');
    return t;
  }
  var pending = null;
  $('btn-add').addEventListener('click', function () {
    var s = window.getSelection();
    if (!s || s.rangeCount === 0 || s.isCollapsed || !textEl.contains(s.getRangeAt(0).commonAncestorContainer)) {
      $('review-msg').textContent = 'Select the figure in the text first.';
      return;
    }
    var r = s.getRangeAt(0);
    pending = { start: cpOffset(r.startContainer, r.startOffset), end: cpOffset(r.endContainer, r.endOffset), raw: r.toString() };
    $('add-raw').textContent = '«' + pending.raw + '» at ' + pending.start + '–' + pending.end;
    $('add-value').value = parseVi(pending.raw);
    $('add-province').value = data.province || '';
    $('add-period').value = data.period || '';
    $('add-form').hidden = false;
    $('add-metric').focus();
  });
  $('add-metric').addEventListener('change', function () {
    var u = units[$('add-metric').value]; if (u) $('add-unit').value = u;
  });
  $('add-cancel').addEventListener('click', function () { $('add-form').hidden = true; pending = null; });
  $('add-form').addEventListener('submit', function (e) {
    e.preventDefault();
    if (!pending) return;
    var metric = $('add-metric').value.trim(), value = typed('value', $('add-value').value);
    if (!metric || value == null) { $('review-msg').textContent = 'A figure needs a metric and a number.'; return; }
    var g = { doc: data.gold_doc, metric: metric, value: value, unit: $('add-unit').value.trim() || units[metric] || '',
      province: $('add-province').value.trim() || null, period: $('add-period').value.trim() || null };
    if ($('add-basis').value) g.basis = $('add-basis').value;
    g.status = $('add-status').value;
    g.cue = pending.raw;
    var s = load();
    docEntry(s).added.push({ gold: g, char_start: pending.start, char_end: pending.end });
    store(s);
    $('add-form').hidden = true; pending = null;
    paintDecisions(); refreshCount();
    $('review-msg').textContent = 'Added ' + metric + ' = ' + value + '.';
  });
  var dl = $('metric-ids');
  Object.keys(units).forEach(function (m) { var o = document.createElement('option'); o.value = m; dl.appendChild(o); });

  // ---- navigation ----
  textEl.addEventListener('click', function (e) {
    var m = e.target.closest && e.target.closest('mark.f');
    if (m) select(Number(m.dataset.fact), true);
  });
  textEl.addEventListener('focusin', function (e) {
    var m = e.target.closest && e.target.closest('mark.f');
    if (m && Number(m.dataset.fact) !== current) select(Number(m.dataset.fact), false);
  });
  textEl.addEventListener('mouseover', function (e) {
    var m = e.target.closest && e.target.closest('mark.f');
    if (m) showDetail(Number(m.dataset.fact));
  });
  $('facts').addEventListener('click', function (e) {
    var li = e.target.closest('li[data-ref]');
    if (li) { e.preventDefault(); select(Number(li.dataset.ref), true); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target.tagName;
    if (t === 'INPUT' || t === 'SELECT' || t === 'TEXTAREA') return;
    var k = e.key;
    if (k === 'j' || k === 'n') { select(Math.min(current + 1, facts.length - 1), true); e.preventDefault(); }
    else if (k === 'k' || k === 'p') { select(Math.max(current - 1, 0), true); e.preventDefault(); }
    else if (k === 'r') decide('right');
    else if (k === 'w') decide('wrong');
    else if (k === 'a') $('btn-add').click();
  });
  function goHash() {
    var h = decodeURIComponent(window.location.hash.slice(1));
    var m = /^at=(\d+)-(\d+)$/.exec(h);
    if (m) {
      var s = Number(m[1]), e = Number(m[2]);
      for (var i = 0; i < facts.length; i++) if (facts[i].char_start === s && facts[i].char_end === e) { select(i, true); return; }
      var a = locate(s), b = locate(e), r = document.createRange();
      r.setStart(a[0], a[1]); r.setEnd(b[0], b[1]);
      try { var w = document.createElement('mark'); w.className = 'target'; r.surroundContents(w); w.scrollIntoView({ block: 'center' }); }
      catch (err) { if (a[0].parentElement) a[0].parentElement.scrollIntoView({ block: 'center' }); }
      return;
    }
    m = /^(?:f-|fact=)(\d+)$/.exec(h);
    if (m) select(Number(m[1]), true);
  }
  window.addEventListener('hashchange', goHash);
  paintDecisions();

  // A scripted review for the browser test, through the same controls a person uses:
  // #test-corrections;wrong=I;add=S-E;metric=M;value=V steps to fact I with the keyboard (j),
  // marks it wrong (w), selects code points S..E, adds them as metric M (value V), exports.
  var hash = decodeURIComponent(window.location.hash.slice(1));
  if (hash.indexOf('test-corrections') === 0) {
    document.body.dataset.scripted = '1';
    var p = {};
    hash.split(';').slice(1).forEach(function (kv) { var i = kv.indexOf('='); p[kv.slice(0, i)] = kv.slice(i + 1); });
    $('btn-clear').click();
    // fact I by the keyboard: j steps to the next fact, w marks the current one wrong
    var key = function (k) { document.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true })); };
    if (p.wrong != null) { for (var j = 0; j <= Number(p.wrong); j++) key('j'); key('w'); }
    if (p.add) {
      var se = p.add.split('-').map(Number), a = locate(se[0]), b = locate(se[1]), r = document.createRange();
      r.setStart(a[0], a[1]); r.setEnd(b[0], b[1]);
      var gs = window.getSelection(); gs.removeAllRanges(); gs.addRange(r);
      $('btn-add').click();
      $('add-metric').value = p.metric;
      $('add-metric').dispatchEvent(new Event('change'));
      if (p.value) $('add-value').value = p.value;
      $('add-save').click();
    }
    $('btn-export').click();
    $('btn-export-docs').click();
    document.body.dataset.scripted = 'done';
  } else {
    goHash();
  }
  document.body.dataset.ready = '1';
})();
