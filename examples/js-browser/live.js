// Follows the hub's /sse stream with the browser's EventSource and shows each certificate as a table row.
// The type, domain, regex and dedup choices are the hub's query parameters (docs/streams.md): the hub sends only the
// certificates asked for. EventSource reconnects by itself and resumes with Last-Event-ID (each event's id is the
// message's cursor), so a dropped connection or a hub restart loses nothing within the hub's replayMinutes.
(function () {
  'use strict';
  var MAX_ROWS = 500;          // the table is a window on the stream, not a log: oldest rows go first
  var RATE_WINDOW_MS = 5000;   // certs/s is averaged over the last few seconds
  var SHOWN_DOMAINS = 4;       // longer lists collapse to these and "+N more"
  var CHART_SECONDS = 60;
  var COLORS = ['#4fb3ff', '#e0a84f', '#5fd38d', '#ff6b6b', '#c38cff', '#ffd34f', '#4fe0d0', '#ff8cc6'];

  var rows = document.getElementById('rows');
  var empty = document.getElementById('empty');
  var statusEl = document.getElementById('status');
  var rateEl = document.getElementById('rate');
  var totalEl = document.getElementById('total');
  var typeEl = document.getElementById('channel');
  var filterEl = document.getElementById('filter');
  var pauseEl = document.getElementById('pause');
  var domainEl = document.getElementById('domain');
  var matchEl = document.getElementById('match');
  var dedupEl = document.getElementById('dedup');
  var problemEl = document.getElementById('problem');
  var chart = document.getElementById('chart');
  var legend = document.getElementById('legend');

  var arrivals = [];
  var total = 0;
  var paused = false;
  var filter = null;            // the in-page regex over a row's text
  var source = null;
  var query = '';
  var highlight = { domains: [], match: null };
  var perLog = {};              // log name -> {color, counts: per-second counts, newest first}

  function params() {
    var p = ['stream=lite'];
    var names = domainEl.value.split(',').map(function (n) { return n.trim(); }).filter(Boolean);
    if (names.length) { p.push('domain=' + encodeURIComponent(names.join(','))); }
    if (matchEl.value.trim()) { p.push('match=' + encodeURIComponent(matchEl.value.trim())); }
    if (typeEl.value) { p.push('type=' + typeEl.value); }
    if (dedupEl.checked) { p.push('dedup=true'); }
    return p.join('&');
  }

  function connect() {
    var next = params();
    if (next === query && source) { return; }
    query = next;
    if (source) { source.close(); }
    rows.textContent = '';   // new filters start a new table
    empty.hidden = false;
    problemEl.textContent = '';
    highlight = {
      domains: domainEl.value.split(',').map(function (n) { return n.trim().toLowerCase().replace(/^\*\./, ''); }).filter(Boolean),
      match: matchEl.value.trim() ? safeRegExp(matchEl.value.trim()) : null,
    };
    statusEl.textContent = 'connecting';
    statusEl.className = '';
    source = new EventSource('/sse?' + query);
    source.onopen = function () {
      statusEl.textContent = 'connected';
      statusEl.className = 'open';
    };
    source.onerror = function () {
      statusEl.textContent = 'disconnected, retrying';
      statusEl.className = 'closed';
      if (source.readyState === EventSource.CLOSED) { explainRefusal(query); }
    };
    source.onmessage = onMessage;
  }

  // EventSource gives up on an HTTP error without saying why: ask the hub for its one-line reason (a bad regex).
  function explainRefusal(q) {
    fetch('/sse?' + q).then(function (r) { return r.status === 400 ? r.text() : ''; }).then(function (reason) {
      if (reason) {
        problemEl.textContent = reason.trim();
        statusEl.textContent = 'refused';
      }
    }).catch(function () { /* the hub is down: EventSource retries by itself */ });
  }

  function onMessage(e) {
    var m = JSON.parse(e.data);
    if (m.message_type === 'gap') {
      problemEl.textContent = 'missed ' + Math.round(m.missing_seconds) + ' s of certificates while away';
      return;
    }
    if (m.message_type !== 'certificate_update') { return; }
    total++;
    totalEl.textContent = String(total);
    arrivals.push(Date.now());
    countForLog(m.data.source.name);
    if (!paused) { addRow(m.data); }
  }

  function safeRegExp(text) {
    try { return new RegExp(text, 'i'); } catch (e) { return null; }
  }

  function isMatched(domain) {
    var d = domain.toLowerCase().replace(/^\*\./, '');
    for (var i = 0; i < highlight.domains.length; i++) {
      var n = highlight.domains[i];
      if (d === n || d.slice(-n.length - 1) === '.' + n) { return true; }
    }
    return highlight.match ? highlight.match.test(domain) : false;
  }

  // The issuer's common name ("R11", "E6"), which tells CAs' intermediates apart; the organization if it has none.
  function issuerOf(cert) {
    var i = cert.issuer || {};
    return i.CN || i.O || i.aggregated || '';
  }

  function cell(tr, cls, text) {
    var td = document.createElement('td');
    td.className = cls;
    td.textContent = text;
    td.title = text;
    tr.appendChild(td);
    return td;
  }

  // Matched domains first and highlighted, then the others; beyond SHOWN_DOMAINS only "+N more" (all in the title).
  function domainsCell(tr, all) {
    var td = document.createElement('td');
    td.className = 'domains';
    td.title = all.join(', ');
    var matched = all.filter(isMatched);
    var ordered = matched.concat(all.filter(function (d) { return !isMatched(d); }));
    var names = document.createElement('span');
    names.className = 'names';
    ordered.slice(0, SHOWN_DOMAINS).forEach(function (d, i) {
      if (i > 0) { names.appendChild(document.createTextNode(', ')); }
      if (matched.indexOf(d) >= 0) {
        var mark = document.createElement('mark');
        mark.textContent = d;
        names.appendChild(mark);
      } else {
        names.appendChild(document.createTextNode(d));
      }
    });
    td.appendChild(names);
    if (all.length > SHOWN_DOMAINS) {
      var more = document.createElement('span');
      more.className = 'more';
      more.textContent = '+' + (all.length - SHOWN_DOMAINS) + ' more';
      td.appendChild(more);
    }
    tr.appendChild(td);
    return td;
  }

  function addRow(data) {
    var cert = data.leaf_cert;
    var tr = document.createElement('tr');
    tr.dataset.index = data.cert_index;
    cell(tr, 'time', new Date(data.seen * 1000).toLocaleTimeString([], { hour12: false }));
    var domains = domainsCell(tr, cert.all_domains);
    var badge = document.createElement('span');
    var precert = data.update_type === 'PrecertLogEntry';
    badge.className = precert ? 'type pre' : 'type';
    badge.textContent = precert ? 'precert' : 'cert';
    domains.appendChild(badge);
    cell(tr, 'issuer', issuerOf(cert)).title = (cert.issuer || {}).aggregated || '';
    cell(tr, 'log', data.source.name);
    tr.hidden = !matches(tr);
    rows.insertBefore(tr, rows.firstChild);
    while (rows.childElementCount > MAX_ROWS) { rows.removeChild(rows.lastChild); }
    empty.hidden = true;
  }

  // The in-page filter looks at every domain (the title), not only the few shown.
  function matches(tr) {
    return !filter || filter.test(tr.querySelector('td.domains').title + ' ' + tr.textContent);
  }

  function countForLog(name) {
    var log = perLog[name];
    if (!log) {
      log = perLog[name] = { color: COLORS[Object.keys(perLog).length % COLORS.length], counts: [0] };
    }
    log.counts[0]++;
  }

  // One line per log: certificates per second over the last minute.
  function drawChart() {
    var ctx = chart.getContext('2d');
    var w = chart.width;
    var h = chart.height;
    ctx.clearRect(0, 0, w, h);
    var names = Object.keys(perLog);
    var max = 1;
    names.forEach(function (n) { perLog[n].counts.forEach(function (c) { max = Math.max(max, c); }); });
    names.forEach(function (n) {
      var counts = perLog[n].counts;
      ctx.strokeStyle = perLog[n].color;
      ctx.beginPath();
      for (var s = 0; s < counts.length; s++) {
        var x = w - 1 - s * (w - 2) / (CHART_SECONDS - 1);
        var y = h - 2 - (counts[s] / max) * (h - 4);
        if (s === 0) { ctx.moveTo(x, y); } else { ctx.lineTo(x, y); }
      }
      ctx.stroke();
    });
    legend.textContent = '';
    names.forEach(function (n) {
      var item = document.createElement('span');
      var swatch = document.createElement('i');
      swatch.style.background = perLog[n].color;
      item.appendChild(swatch);
      // The last complete second.
      item.appendChild(document.createTextNode(n + ' ' + (perLog[n].counts[1] || 0) + '/s'));
      legend.appendChild(item);
    });
  }

  setInterval(function () {
    Object.keys(perLog).forEach(function (n) {
      var counts = perLog[n].counts;
      counts.unshift(0);
      if (counts.length > CHART_SECONDS) { counts.pop(); }
    });
    drawChart();
  }, 1000);

  filterEl.addEventListener('input', function () {
    var text = filterEl.value.trim();
    try {
      filter = text ? new RegExp(text, 'i') : null;
      filterEl.style.borderColor = '';
    } catch (e) {
      filter = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
      filterEl.style.borderColor = '#e0a84f';
    }
    for (var tr = rows.firstChild; tr; tr = tr.nextSibling) { tr.hidden = !matches(tr); }
  });
  [typeEl, domainEl, matchEl, dedupEl].forEach(function (el) { el.addEventListener('change', connect); });
  pauseEl.addEventListener('click', function () {
    paused = !paused;
    pauseEl.textContent = paused ? 'resume' : 'pause';
  });

  setInterval(function () {
    var now = Date.now();
    while (arrivals.length && arrivals[0] < now - RATE_WINDOW_MS) { arrivals.shift(); }
    rateEl.textContent = (arrivals.length * 1000 / RATE_WINDOW_MS).toFixed(1);
  }, 500);

  connect();
})();
