// Joins the hub's SockJS event-bus bridge and shows each certificate as a table row.
// Bridge addresses (see README "Event-bus bridge"): certstream.lite is the lite websocket stream as JSON objects;
// certstream.lite.x509 / .precert / .domain.<name> are narrower channels the hub publishes only while followed.
(function () {
  'use strict';
  var MAX_ROWS = 500;          // the table is a window on the stream, not a log: oldest rows go first
  var RATE_WINDOW_MS = 5000;   // certs/s is averaged over the last few seconds

  var rows = document.getElementById('rows');
  var empty = document.getElementById('empty');
  var statusEl = document.getElementById('status');
  var rateEl = document.getElementById('rate');
  var totalEl = document.getElementById('total');
  var channelEl = document.getElementById('channel');
  var filterEl = document.getElementById('filter');
  var pauseEl = document.getElementById('pause');
  var domainEl = document.getElementById('domain');

  var arrivals = [];
  var total = 0;
  var paused = false;
  var filter = null;
  var address = channelEl.value;

  var eb = new EventBus(location.protocol + '//' + location.host + '/eventbus');
  eb.enableReconnect(true);

  function onCertificate(err, msg) {
    if (err) { return; }
    var m = msg.body;
    if (!m || m.message_type !== 'certificate_update') { return; }
    total++;
    totalEl.textContent = String(total);
    arrivals.push(Date.now());
    if (!paused) { addRow(m.data); }
  }

  function follow(next) {
    if (next === address) { return; }
    rows.textContent = '';   // a new channel starts a new table
    empty.hidden = false;
    if (eb.state !== EventBus.OPEN) { address = next; return; }
    if (eb.handlers[address]) { eb.unregisterHandler(address, onCertificate); }
    address = next;
    eb.registerHandler(address, onCertificate);
  }

  eb.onopen = function () {
    statusEl.textContent = 'connected';
    statusEl.className = 'open';
    eb.registerHandler(address, onCertificate);   // also after a reconnect: the bridge forgot us
  };
  eb.onclose = function () {
    statusEl.textContent = 'disconnected, retrying';
    statusEl.className = 'closed';
  };
  eb.onerror = function (e) { console.warn('bridge error', e); };

  function issuerOf(cert) {
    var i = cert.issuer || {};
    return i.O || i.CN || i.aggregated || '';
  }

  function cell(tr, cls, text) {
    var td = document.createElement('td');
    td.className = cls;
    td.textContent = text;
    td.title = text;
    tr.appendChild(td);
    return td;
  }

  function addRow(data) {
    var cert = data.leaf_cert;
    var tr = document.createElement('tr');
    tr.dataset.index = data.cert_index;
    cell(tr, 'time', new Date(data.seen * 1000).toLocaleTimeString([], { hour12: false }));
    var domains = cell(tr, 'domains', cert.all_domains.join(', '));
    var badge = document.createElement('span');
    var precert = data.update_type === 'PrecertLogEntry';
    badge.className = precert ? 'type pre' : 'type';
    badge.textContent = precert ? 'precert' : 'cert';
    domains.appendChild(badge);
    cell(tr, 'issuer', issuerOf(cert));
    cell(tr, 'log', data.source.name);
    tr.hidden = !matches(tr);
    rows.insertBefore(tr, rows.firstChild);
    while (rows.childElementCount > MAX_ROWS) { rows.removeChild(rows.lastChild); }
    empty.hidden = true;
  }

  function matches(tr) {
    return !filter || filter.test(tr.textContent);
  }

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
  // A domain narrows the stream on the hub's side (a domain channel) rather than in the page.
  function chosenAddress() {
    var name = domainEl.value.trim().toLowerCase().replace(/^\*\./, '');
    if (/^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/.test(name)) {
      domainEl.style.borderColor = '';
      return 'certstream.lite.domain.' + name;
    }
    domainEl.style.borderColor = name ? '#e0a84f' : '';
    return channelEl.value;
  }
  channelEl.addEventListener('change', function () { domainEl.value = ''; follow(chosenAddress()); });
  domainEl.addEventListener('change', function () { follow(chosenAddress()); });
  pauseEl.addEventListener('click', function () {
    paused = !paused;
    pauseEl.textContent = paused ? 'resume' : 'pause';
  });

  setInterval(function () {
    var now = Date.now();
    while (arrivals.length && arrivals[0] < now - RATE_WINDOW_MS) { arrivals.shift(); }
    rateEl.textContent = (arrivals.length * 1000 / RATE_WINDOW_MS).toFixed(1);
  }, 500);
})();
