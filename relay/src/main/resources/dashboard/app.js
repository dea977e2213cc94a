// castrelay dashboard: one page, no dependencies, fed by GET /api/v1/events (server-sent events read with
// fetch, because EventSource cannot send the Authorization header). The token lives in sessionStorage only.
'use strict';

const $ = (id) => document.getElementById(id);
const HISTORY_MS = 5 * 60 * 1000;
const history = new Map();       // target id -> [[time, kbps], ...] for the sparkline
let token = sessionStorage.getItem('castrelay.token');
let lastHealth = null;
let streamAbort = null;

function showLogin(message) {
  $('main').classList.add('hidden');
  $('login').classList.remove('hidden');
  $('login-error').textContent = message || '';
  $('token').focus();
}

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  token = $('token').value.trim();
  $('token').value = '';
  sessionStorage.setItem('castrelay.token', token);
  start();
});

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: Object.assign({ Authorization: 'Bearer ' + token },
      body ? { 'Content-Type': 'application/json' } : {}),
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401) {
    sessionStorage.removeItem('castrelay.token');
    showLogin('Wrong token: the relay refused it.');
    throw new Error('unauthorized');
  }
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new Error((json && (json.detail || json.error)) || res.statusText);
  }
  return json;
}

function setLink(ok, text) {
  const el = $('link');
  el.textContent = text;
  el.classList.toggle('lost', !ok);
  markStale(!ok);
}

// When the relay cannot be reached, nothing on the page is current any more: every card greys out and a banner
// says, in large type, how old the figures are. A dead relay must never look live.
let lastUpdate = 0;
let staleTimer = null;
function markStale(stale) {
  $('main').classList.toggle('stale', stale);
  $('stale').classList.toggle('hidden', !stale);
  if (stale && !staleTimer) {
    const tell = () => {
      const age = lastUpdate ? Math.round((Date.now() - lastUpdate) / 1000) : null;
      $('stale').textContent = 'Relay unreachable: ' + (age === null ? 'no data yet'
        : 'this page shows data from ' + age + ' s ago') + '. Retrying...';
    };
    tell();
    staleTimer = setInterval(tell, 1000);
  } else if (!stale && staleTimer) {
    clearInterval(staleTimer);
    staleTimer = null;
  }
}

async function start() {
  if (!token) {
    showLogin();
    return;
  }
  try {
    render(await api('GET', '/api/v1/health'));
  } catch (e) {
    if (e.message !== 'unauthorized') {
      setLink(false, 'relay unreachable, retrying...');
      setTimeout(start, 2000);
    }
    return;
  }
  $('login').classList.add('hidden');
  $('main').classList.remove('hidden');
  followEvents();
}

async function followEvents() {
  if (streamAbort) streamAbort.abort();
  streamAbort = new AbortController();
  try {
    const res = await fetch('/api/v1/events', {
      headers: { Authorization: 'Bearer ' + token, Accept: 'text/event-stream' },
      signal: streamAbort.signal,
    });
    if (res.status === 401) { showLogin('Wrong token: the relay refused it.'); return; }
    if (!res.ok || !res.body) throw new Error('events: HTTP ' + res.status);
    setLink(true, 'live');
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        onEvent(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
    throw new Error('event stream ended');
  } catch (e) {
    if (e.name === 'AbortError') return;
    setLink(false, 'relay unreachable, reconnecting...');
    $('status').className = 'pill unknown';
    $('status').textContent = 'UNKNOWN';
    setTimeout(start, 2000);
  }
}

function onEvent(block) {
  const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
  if (!data) return;
  let msg;
  try { msg = JSON.parse(data); } catch (e) { return; }
  if (msg && msg.targets && msg.ingest) {
    render(msg);
  } else if (msg && msg.health && msg.health.targets) {
    render(msg.health);
  }
}

function fmtAge(iso) {
  if (!iso) return '-';
  let s = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 1000));
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  return (h ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(s).padStart(2, '0');
}

function facts(dl, pairs) {
  dl.replaceChildren(...pairs.flatMap(([k, v]) => {
    const dt = document.createElement('dt'); dt.textContent = k;
    const dd = document.createElement('dd'); dd.textContent = v;
    return [dt, dd];
  }));
}

let pinnedTo = null;
// Each input's latest keyframe as a small picture (object URLs by role), fetched while the page is looked at.
const inputThumbs = {};

// Both inputs when a backup is configured: which is on air, each one's state, and the switch.
function renderInputs(ing) {
  const inputs = ing.inputs || [];
  $('inputs').hidden = inputs.length < 2;
  $('input-rows').replaceChildren(...inputs.map((i) => {
    const tr = document.createElement('tr');
    tr.className = i.role === ing.active ? 'on-air' : '';
    tr.dataset.role = i.role;
    const v = i.video || {};
    const cells = [null, i.role + (i.role === ing.active ? ' (on air)' : ''), i.state, i.protocol || '-',
      v.codec ? `${v.codec} ${v.width}x${v.height} ${v.fps} fps` : '-', (i.bitrateKbps || 0) + ' kb/s'];
    tr.replaceChildren(...cells.map((c, n) => {
      const td = document.createElement('td');
      if (n === 0) {
        const img = document.createElement('img');
        img.className = 'input-thumb';
        img.alt = '';
        img.hidden = !inputThumbs[i.role] || i.state !== 'live';
        if (inputThumbs[i.role]) img.src = inputThumbs[i.role];
        td.appendChild(img);
      } else if (n === 2) {
        const pill = document.createElement('span');
        pill.className = 'pill ' + i.state; pill.textContent = i.state;
        td.appendChild(pill);
      } else {
        td.textContent = c;
      }
      return td;
    }));
    return tr;
  }));
  // The document names the mode, not the pin: a pin to an input that is not live yet shows the operator's choice.
  const chosen = ing.mode !== 'pinned' ? 'auto' : (pinnedTo || ing.active);
  document.querySelectorAll('#inputs .switch button').forEach((b) => {
    b.classList.toggle('chosen', b.dataset.input === chosen);
  });
}

document.querySelectorAll('#inputs .switch button').forEach((b) => b.addEventListener('click', async () => {
  try {
    await api('PUT', '/api/v1/ingest/active', { input: b.dataset.input });
    pinnedTo = b.dataset.input === 'auto' ? null : b.dataset.input;
    $('input-error').textContent = '';
    render(await api('GET', '/api/v1/health'));
  } catch (err) {
    if (err.message !== 'unauthorized') $('input-error').textContent = err.message;
  }
}));

function render(h) {
  lastHealth = h;
  lastUpdate = Date.now();
  $('status').className = 'pill ' + h.status;
  $('status').textContent = (h.status || 'unknown').toUpperCase();
  const ing = h.ingest || {};
  $('ingest-state').className = 'pill ' + ing.state;
  $('ingest-state').textContent = ing.state || '-';
  const v = ing.video || {};
  const a = ing.audio || {};
  facts($('ingest-facts'), [
    ['video', v.codec ? `${v.codec} ${v.width}x${v.height} ${v.fps} fps` : '-'],
    ['keyframe', v.keyframeIntervalSec ? v.keyframeIntervalSec + ' s' : '-'],
    ['audio', a.codec ? `${a.codec} ${a.sampleRate} Hz ${a.channels} ch` : '-'],
    ['bitrate', (ing.bitrateKbps || 0) + ' kb/s'],
    [ing.state === 'live' ? 'live for' : 'since', fmtAge(ing.since)],
  ]);

  renderInputs(ing);

  const rends = $('renditions');
  rends.replaceChildren(...(h.renditions || []).map((r) => {
    const div = document.createElement('div');
    div.className = 'panel';
    const title = document.createElement('h2');
    title.textContent = r.id + ' ';
    const pill = document.createElement('span');
    pill.className = 'pill ' + r.state; pill.textContent = r.state;
    title.appendChild(pill);
    const dl = document.createElement('dl');
    const rows = [['fps', r.fps], ['bitrate', r.bitrateKbps + ' kb/s'], ['speed', r.speed + 'x']];
    if (r.reason) rows.push(['why', r.reason]);
    if (r.droppedFrames) rows.push(['dropped', r.droppedFrames + ' pictures']);
    facts(dl, rows);
    div.append(title, dl);
    return div;
  }));
  // Alert endpoints only show when delivery is in trouble: /metrics counts the rest.
  const failing = (h.alerts || []).filter((al) => al.state !== 'ok' || al.dropped > 0);
  $('alerts').classList.toggle('hidden', failing.length === 0);
  $('alerts-list').replaceChildren(...failing.map((al) => {
    const li = document.createElement('li');
    li.textContent = `${al.endpoint} ${al.url}: ${al.state}, ${al.queued} queued, ${al.dropped} dropped, `
      + `${al.sent} sent` + (al.lastError ? ` (${al.lastError})` : '');
    return li;
  }));
  const ids = new Set((h.renditions || []).map((r) => r.id));
  (h.targets || []).forEach((t) => ids.add(t.rendition));
  $('rendition-ids').replaceChildren(...[...ids].map((id) => { const o = document.createElement('option'); o.value = id; return o; }));

  const now = Date.now();
  const grid = $('targets');
  const seen = new Set();
  for (const t of h.targets || []) {
    seen.add(t.id);
    const series = history.get(t.id) || [];
    series.push([now, t.bitrateKbps || 0]);
    while (series.length && now - series[0][0] > HISTORY_MS) series.shift();
    history.set(t.id, series);
    let card = grid.querySelector(`[data-id="${CSS.escape(t.id)}"]`);
    if (!card) { card = makeCard(t.id); grid.appendChild(card); }
    updateCard(card, t, series);
  }
  for (const card of [...grid.children]) {
    if (!seen.has(card.dataset.id)) { card.remove(); history.delete(card.dataset.id); }
  }
}

function makeCard(id) {
  const card = document.createElement('article');
  card.className = 'panel card';
  card.dataset.id = id;
  card.innerHTML = `<h3><span class="name"></span><span class="pill state"></span></h3>
    <div class="url"></div><canvas width="300" height="40"></canvas><dl></dl><div class="err"></div>
    <div class="actions"><button class="toggle"></button><button class="restart">Restart</button>
    <button class="remove danger">Remove</button></div>`;
  card.querySelector('.name').textContent = id;
  card.querySelector('.toggle').addEventListener('click', () => act(card, () =>
    api('PATCH', '/api/v1/targets/' + encodeURIComponent(id), { enabled: card.dataset.state === 'disabled' })));
  card.querySelector('.restart').addEventListener('click', () => act(card, () =>
    api('POST', '/api/v1/targets/' + encodeURIComponent(id) + '/restart')));
  card.querySelector('.remove').addEventListener('click', () => {
    if (confirm(`Remove target "${id}"? It stops at once.`)) {
      act(card, () => api('DELETE', '/api/v1/targets/' + encodeURIComponent(id)));
    }
  });
  return card;
}

async function act(card, call) {
  try {
    await call();
    render(await api('GET', '/api/v1/health'));
  } catch (e) {
    if (e.message !== 'unauthorized') card.querySelector('.err').textContent = e.message;
  }
}

function updateCard(card, t, series) {
  card.className = 'panel card ' + t.state;
  card.dataset.state = t.state;
  const pill = card.querySelector('.state');
  pill.className = 'pill state ' + t.state;
  pill.textContent = t.state + (t.nextRetryInMs != null ? ' ' + Math.ceil(t.nextRetryInMs / 1000) + 's' : '');
  card.querySelector('.url').textContent = `${t.platform} \u00b7 ${t.rendition} \u00b7 ${t.url || ''}`;
  const sending = t.state === 'live' || t.state === 'degraded';
  facts(card.querySelector('dl'), [
    ['bitrate', (t.bitrateKbps || 0) + ' kb/s'], ['fps', t.fps], ['queue', t.queueMs + ' ms'],
    ['drops', t.droppedFrames],
    // An archive does not reconnect: what it has written says more.
    t.platform === 'archive' ? ['written', (t.bytesSent / 1048576).toFixed(1) + ' MB'] : ['reconnects', t.reconnects],
    ['uptime', sending ? fmtAge(t.since) : '-'],
  ]);
  card.querySelector('.err').textContent = t.lastError || '';
  card.querySelector('.toggle').textContent = t.state === 'disabled' ? 'Enable' : 'Disable';
  spark(card.querySelector('canvas'), series);
}

function spark(canvas, series) {
  const ctx = canvas.getContext('2d');
  const w = canvas.width, hgt = canvas.height;
  ctx.clearRect(0, 0, w, hgt);
  if (series.length < 2) return;
  const max = Math.max(1, ...series.map((p) => p[1]));
  // The window grows with what has been seen (at least a minute), up to five minutes.
  const span = Math.min(HISTORY_MS, Math.max(60 * 1000, Date.now() - series[0][0]));
  const t0 = Date.now() - span;
  ctx.strokeStyle = '#58a6ff';
  ctx.lineWidth = 2;
  ctx.beginPath();
  series.forEach(([t, v], i) => {
    const x = ((t - t0) / span) * w;
    const y = hgt - 2 - (v / max) * (hgt - 4);
    if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
  });
  ctx.stroke();
}

$('add-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.target;
  const body = {};
  for (const name of ['id', 'platform', 'url', 'key', 'rendition']) {
    const value = form.elements[name].value.trim();
    if (value) body[name] = value;
  }
  form.elements.key.value = '';   // the key field is write-only: never kept, never shown back
  try {
    await api('POST', '/api/v1/targets', body);
    $('add-error').textContent = '';
    form.reset();
    render(await api('GET', '/api/v1/health'));
  } catch (err) {
    if (err.message !== 'unauthorized') $('add-error').textContent = err.message;
  }
});

// A thumbnail only while someone looks at the page: the relay makes none otherwise.
async function refreshThumb() {
  if (document.visibilityState === 'visible' && token && lastHealth && lastHealth.ingest
      && (lastHealth.ingest.state === 'live' || (lastHealth.renditions || []).some((r) => r.state === 'slate'))) {
    try {
      const res = await fetch('/api/v1/thumbnail', { headers: { Authorization: 'Bearer ' + token } });
      const img = $('thumb');
      if (res.ok) {
        const old = img.src;
        img.src = URL.createObjectURL(await res.blob());
        img.hidden = false;
        if (old) URL.revokeObjectURL(old);
      } else {
        img.hidden = true; // no picture on air to show: never keep an old one as if it were current
      }
    } catch (e) { /* the event stream reports lost contact */ }
  } else if (lastHealth) {
    $('thumb').hidden = true; // nothing on air: no picture rather than an old one
  }
  const inputs = (lastHealth && lastHealth.ingest && lastHealth.ingest.inputs) || [];
  if (document.visibilityState === 'visible' && token && inputs.length > 1) {
    for (const i of inputs.filter((x) => x.state === 'live')) {
      try {
        const res = await fetch('/api/v1/thumbnail?input=' + i.role, { headers: { Authorization: 'Bearer ' + token } });
        if (res.ok) {
          if (inputThumbs[i.role]) URL.revokeObjectURL(inputThumbs[i.role]);
          inputThumbs[i.role] = URL.createObjectURL(await res.blob());
        }
      } catch (e) { /* the event stream reports lost contact */ }
    }
    renderInputs(lastHealth.ingest);
  }
  setTimeout(refreshThumb, 3000);
}

start();
refreshThumb();
