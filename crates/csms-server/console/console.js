// @ts-check
// The CSMS console: a client of this server's public API and nothing else.
//
// Every page calls the operations the SDKs call (CSMS, SMN, KMS), with the credentials given at sign-in:
// a token (X-Auth-Token) or an access key (SDK-HMAC-SHA256, signed here with WebCrypto). They are kept in
// sessionStorage, that is for this tab only. A secret's value is fetched only when "Reveal" is pressed,
// lives only in the page's text until "Hide" (or leaving the page), and is never written to storage, a
// log or the URL. Nothing is built from HTML strings: every node is made with createElement, so nothing
// the API returns is ever read as markup.

const SESSION_KEY = 'csms-console-session';
const DEFAULT_PROJECT = '0123456789abcdef0123456789abcdef';
const EVENT_TYPES = [
  'SECRET_VERSION_CREATED',
  'SECRET_VERSION_EXPIRED',
  'SECRET_ROTATED',
  'SECRET_DELETED',
  'SECRET_ROTATED_FAILED',
];
/** @type {Record<string, string>} */
const KEY_STATES = { 1: 'pending activation', 2: 'enabled', 3: 'disabled', 4: 'pending deletion', 5: 'pending import' };
/** @type {Record<string, string>} */
const SUBSCRIPTION_STATES = { 0: 'unconfirmed', 1: 'confirmed', 2: 'no confirmation needed', 3: 'cancelled', 4: 'deleted' };
/** How often the pages that watch (notification records, deliveries) ask again, in milliseconds. */
const POLL_MS = 1000;
const PAGE = 50;

/** @typedef {{ project: string, token?: string, ak?: string, sk?: string }} Session */
/** @typedef {Record<string, any>} Json */
/** @typedef {Node | string | null | undefined | false} Child */

class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string} requestId
   */
  constructor(status, code, message, requestId) {
    super(message);
    this.status = status;
    this.code = code;
    this.requestId = requestId;
  }
}

/** @type {Session | null} */
let session = loadSession();
/** Stops what the current page runs in the background (its polling); replaced by each page. */
let stopPage = () => {};

// ---- DOM helpers --------------------------------------------------------------------------------------

/**
 * An element with attributes (`on…` keys are listeners) and children.
 * @param {string} tag
 * @param {Record<string, any>} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElement}
 */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/**
 * Replaces the children of `el` with the given ones (nothing for null, undefined or false).
 * @param {HTMLElement} el
 * @param {...(Child | Child[])} children
 */
function put(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
}

/** @param {string} id */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

/** @param {number | string | undefined | null} ms epoch milliseconds */
function time(ms) {
  const n = Number(ms);
  if (!ms || !Number.isFinite(n) || n <= 0) return '';
  return new Date(n).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/**
 * A table whose cells carry their column's name (shown beside each value on narrow screens).
 * @param {string} caption
 * @param {string[]} columns
 * @param {Child[][]} rows
 * @param {string} [empty]
 */
function table(caption, columns, rows, empty = 'None yet.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows.map((cells) => tableRow(columns, cells))),
  );
}

/**
 * @param {string[]} columns
 * @param {Child[]} cells
 */
function tableRow(columns, cells) {
  return h('tr', {}, cells.map((c, i) => h('td', { 'data-label': columns[i] }, c)));
}

/**
 * A form whose submit runs `action` with its fields' values; the API's error is shown, the form kept.
 * @param {string} title
 * @param {Child[]} fields
 * @param {string} submit
 * @param {(values: Record<string, string>, form: HTMLFormElement) => Promise<void>} action
 */
function form(title, fields, submit, action) {
  const el = /** @type {HTMLFormElement} */ (
    h('form', { class: 'panel', 'aria-label': title }, h('h3', {}, title), fields, h('button', { type: 'submit' }, submit))
  );
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {Record<string, string>} */
    const values = {};
    new FormData(el).forEach((value, key) => {
      values[key] = values[key] === undefined ? String(value) : `${values[key]},${value}`;
    });
    const button = /** @type {HTMLButtonElement} */ (el.querySelector('button[type=submit]'));
    button.disabled = true;
    try {
      clearError();
      await action(values, el);
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

/**
 * A labelled input.
 * @param {string} label
 * @param {Record<string, any>} attrs
 */
function field(label, attrs) {
  const id = `f-${attrs.name}-${Math.random().toString(36).slice(2, 8)}`;
  const control = attrs.rows ? h('textarea', { id, ...attrs }) : h('input', { id, type: 'text', ...attrs });
  return h('p', { class: 'field' }, h('label', { for: id }, label), control);
}

/**
 * A labelled select.
 * @param {string} label
 * @param {string} name
 * @param {[string, string][]} options value and text
 * @param {string} [selected]
 */
function select(label, name, options, selected) {
  const id = `f-${name}-${Math.random().toString(36).slice(2, 8)}`;
  return h(
    'p',
    { class: 'field' },
    h('label', { for: id }, label),
    h('select', { id, name }, options.map(([value, text]) => h('option', { value, selected: value === selected }, text))),
  );
}

/**
 * Checkboxes for event types.
 * @param {string} name
 * @param {string[]} checked
 */
function eventTypeBoxes(name, checked) {
  return h(
    'fieldset',
    { class: 'checks' },
    h('legend', {}, 'Event types'),
    EVENT_TYPES.map((type) =>
      h('label', {}, h('input', { type: 'checkbox', name, value: type, checked: checked.includes(type) }), ` ${type}`),
    ),
  );
}

/**
 * A button that runs `action`, disabled meanwhile; the API's error is shown.
 * @param {string} text
 * @param {() => Promise<void>} action
 * @param {string} [kind] a class: 'danger' or 'quiet'
 */
function button(text, action, kind) {
  const el = /** @type {HTMLButtonElement} */ (h('button', { type: 'button', class: kind }, text));
  el.addEventListener('click', async () => {
    el.disabled = true;
    try {
      clearError();
      await action();
    } catch (e) {
      showError(e);
    } finally {
      el.disabled = false;
    }
  });
  return el;
}

/** @param {unknown} error */
function showError(error) {
  const box = byId('error');
  if (error instanceof ApiError) {
    put(
      box,
      h('strong', { class: 'code' }, error.code),
      ' ',
      h('span', { class: 'message' }, error.message),
      error.requestId ? h('small', { class: 'request-id' }, `request id ${error.requestId}`) : null,
    );
  } else {
    box.replaceChildren(h('strong', {}, 'Error'), ' ', String(error instanceof Error ? error.message : error));
  }
  box.append(h('button', { type: 'button', class: 'quiet', onclick: clearError }, 'Dismiss'));
  box.hidden = false;
}

function clearError() {
  const box = byId('error');
  box.hidden = true;
  box.replaceChildren();
}

/** @param {string} text */
function announce(text) {
  const el = h('p', { class: 'notice', role: 'status' }, text);
  document.querySelector('.notice')?.remove();
  byId('main').prepend(el);
}

// ---- the API ------------------------------------------------------------------------------------------

/** @returns {Session | null} */
function loadSession() {
  try {
    const raw = sessionStorage.getItem(SESSION_KEY);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

/** @param {Session | null} next */
function setSession(next) {
  session = next;
  if (next) sessionStorage.setItem(SESSION_KEY, JSON.stringify(next));
  else sessionStorage.removeItem(SESSION_KEY);
}

/** Python's `quote(s, safe='~')`, as the signature's canonical request encodes. @param {string} s */
function quote(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** @param {ArrayBuffer} buffer */
function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** @param {string} text */
async function sha256(text) {
  return hex(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

/**
 * The `Authorization` and `X-Sdk-Date` of an SDK-HMAC-SHA256 request, signing `host` and `x-sdk-date`.
 * @param {string} method
 * @param {URL} url
 * @param {string} body
 * @param {string} ak
 * @param {string} sk
 */
async function sign(method, url, body, ak, sk) {
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const path = url.pathname
    .split('/')
    .map((segment) => quote(decodeURIComponent(segment)))
    .join('/');
  const canonicalUri = path.endsWith('/') ? path : `${path}/`;
  const pairs = [...url.searchParams.entries()].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  const canonicalQuery = pairs.map(([k, v]) => `${quote(k)}=${quote(v)}`).join('&');
  const signed = 'host;x-sdk-date';
  const canonicalHeaders = `host:${url.host}\nx-sdk-date:${date}\n`;
  const canonical = [method, canonicalUri, canonicalQuery, canonicalHeaders, signed, await sha256(body)].join('\n');
  const toSign = `SDK-HMAC-SHA256\n${date}\n${await sha256(canonical)}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(sk), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const signature = hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(toSign)));
  return { authorization: `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${signed}, Signature=${signature}`, date };
}

/**
 * Calls the API as the session; resolves to the JSON answer, or rejects with the API's error.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {Session | null} [as]
 * @returns {Promise<Json>}
 */
async function api(method, path, body, as = session) {
  if (!as) throw new Error('Not signed in.');
  const url = new URL(path, location.origin);
  const text = body === undefined ? '' : JSON.stringify(body);
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (text) headers['content-type'] = 'application/json';
  if (as.token) {
    headers['x-auth-token'] = as.token;
  } else {
    if (!crypto.subtle) {
      throw new Error('Signing with an access key needs a secure context (https, or this machine as localhost): sign in with a token.');
    }
    const signature = await sign(method, url, text, as.ak ?? '', as.sk ?? '');
    headers.authorization = signature.authorization;
    headers['x-sdk-date'] = signature.date;
  }
  const response = await fetch(url, {
    method,
    headers,
    body: text || undefined,
    cache: 'no-store',
    credentials: 'omit',
    redirect: 'error',
  });
  const raw = await response.text();
  /** @type {Json | null} */
  let data = null;
  try {
    data = raw ? JSON.parse(raw) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    const requestId = response.headers.get('x-request-id') || data?.request_id || '';
    const e = data?.error ?? data ?? {};
    const code = e.error_code ?? e.code ?? `HTTP ${response.status}`;
    const message = e.error_msg ?? e.message ?? (raw || response.statusText);
    throw new ApiError(response.status, String(code), String(message), String(requestId));
  }
  return data ?? {};
}

/** @param {string} s */
const seg = (s) => encodeURIComponent(s);
const project = () => seg(session?.project ?? '');
const csms = (/** @type {string} */ rest) => `/v1/${project()}${rest}`;
const smn = (/** @type {string} */ rest) => `/v2/${project()}/notifications${rest}`;
const kms = (/** @type {string} */ rest) => `/v1.0/${project()}/kms${rest}`;

// ---- pages --------------------------------------------------------------------------------------------

/**
 * A page that asks again every POLL_MS while it is shown, without overlapping calls.
 * @param {() => Promise<void>} tick
 */
function poll(tick) {
  let stopped = false;
  /** @type {number | undefined} */
  let timer;
  const run = async () => {
    try {
      await tick();
    } catch (e) {
      showError(e);
    }
    if (!stopped) timer = window.setTimeout(run, POLL_MS);
  };
  timer = window.setTimeout(run, POLL_MS);
  stopPage = () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

/** @param {HTMLElement} main */
function signInPage(main) {
  const subtle = Boolean(crypto.subtle);
  put(
    main,
    h('h2', {}, 'Sign in'),
    h(
      'p',
      {},
      'Use a token or an access key of the server’s credentials file (on first start, csms-data/dev-credentials.toml). ',
      'They are kept for this tab only.',
    ),
    form(
      'Sign in',
      [
        field('Project id', { name: 'project', value: DEFAULT_PROJECT, required: true, autocomplete: 'off', spellcheck: 'false' }),
        select('Credentials', 'kind', [
          ['token', 'Token (X-Auth-Token)'],
          ['aksk', subtle ? 'Access key (AK/SK signature)' : 'Access key (needs https or localhost)'],
        ]),
        field('Token', { name: 'token', type: 'password', autocomplete: 'off' }),
        field('Access key (AK)', { name: 'ak', autocomplete: 'off', spellcheck: 'false' }),
        field('Secret key (SK)', { name: 'sk', type: 'password', autocomplete: 'off' }),
      ],
      'Sign in',
      async (values) => {
        /** @type {Session} */
        const next =
          values.kind === 'aksk'
            ? { project: values.project.trim(), ak: values.ak.trim(), sk: values.sk.trim() }
            : { project: values.project.trim(), token: values.token.trim() };
        // The same check as every call: a wrong credential is refused with the API's own message.
        await api('GET', `/v1/${seg(next.project)}/csms/events?limit=1`, undefined, next);
        setSession(next);
        location.hash = '#/events';
        await route();
      },
    ),
  );
}

/** @param {HTMLElement} main */
async function eventsPage(main) {
  const [events, topics] = await Promise.all([
    api('GET', csms(`/csms/events?limit=${PAGE}`)),
    api('GET', smn(`/topics?limit=100`)).catch(() => ({ topics: [] })),
  ]);
  /** @type {Json[]} */
  const list = events.events ?? [];
  const reload = () => route();
  const rows = list.map((e) => [
    h('strong', {}, e.name),
    h('ul', { class: 'tags' }, (e.event_types ?? []).map((/** @type {string} */ t) => h('li', {}, t))),
    h('span', { class: `state ${String(e.state).toLowerCase()}` }, e.state),
    h('span', { class: 'wrap' }, `${e.notification?.target_name ?? ''} (${e.notification?.target_id ?? ''})`),
    time(e.update_time),
    h(
      'div',
      { class: 'actions' },
      button(e.state === 'ENABLED' ? 'Disable' : 'Enable', async () => {
        await api('PUT', csms(`/csms/events/${seg(e.name)}`), { state: e.state === 'ENABLED' ? 'DISABLED' : 'ENABLED' });
        await reload();
      }),
      h(
        'details',
        {},
        h('summary', {}, 'Types'),
        form(`Event types of ${e.name}`, [eventTypeBoxes('event_types', e.event_types ?? [])], 'Save types', async (v) => {
          await api('PUT', csms(`/csms/events/${seg(e.name)}`), { event_types: v.event_types ? v.event_types.split(',') : [] });
          await reload();
        }),
      ),
      button(
        'Delete',
        async () => {
          if (!confirm(`Delete the event ${e.name}?`)) return;
          await api('DELETE', csms(`/csms/events/${seg(e.name)}`));
          await reload();
        },
        'danger',
      ),
    ),
  ]);
  /** @type {Json[]} */
  const topicList = topics.topics ?? [];
  put(
    main,
    h('h2', {}, 'Events'),
    h('p', { class: 'lede' }, 'Which happenings of a secret notify which SMN topic.'),
    table('Events', ['Name', 'Types', 'State', 'Target', 'Updated', 'Actions'], rows, 'No events yet: create one below.'),
    more(events, list.length),
    form(
      'Create an event',
      [
        field('Name', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' }),
        eventTypeBoxes('event_types', ['SECRET_VERSION_CREATED']),
        select('State', 'state', [
          ['ENABLED', 'ENABLED'],
          ['DISABLED', 'DISABLED'],
        ]),
        topicList.length
          ? select(
              'SMN topic',
              'target_id',
              topicList.map((t) => [t.topic_urn, `${t.name} (${t.topic_urn})`]),
            )
          : field('SMN topic URN (none here yet: create one under Topics)', { name: 'target_id', required: true }),
        field('Target name (defaults to the topic’s name)', { name: 'target_name', autocomplete: 'off' }),
      ],
      'Create event',
      async (v) => {
        const target = v.target_id ?? '';
        await api('POST', csms('/csms/events'), {
          name: v.name,
          event_types: v.event_types ? v.event_types.split(',') : [],
          state: v.state,
          notification: { target_type: 'SMN', target_id: target, target_name: v.target_name || target.split(':').pop() || target },
        });
        await reload();
        announce(`Event ${v.name} created.`);
      },
    ),
  );
}

/**
 * A note when a list has more than its first page.
 * @param {Json} answer
 * @param {number} shown
 */
function more(answer, shown) {
  const next = answer.page_info?.next_marker;
  return next ? h('p', { class: 'empty' }, `The first ${shown} are shown; more exist (the API pages them by marker).`) : null;
}

/** @param {HTMLElement} main */
async function secretsPage(main) {
  const [secrets, events, keys] = await Promise.all([
    api('GET', csms(`/secrets?limit=${PAGE}`)),
    api('GET', csms(`/csms/events?limit=1000`)).catch(() => ({ events: [] })),
    api('POST', kms('/list-keys'), { limit: '1000' }).catch(() => ({ key_details: [] })),
  ]);
  /** @type {Json[]} */
  const list = secrets.secrets ?? [];
  const rows = list.map((s) => {
    const tags = h('ul', { class: 'tags', 'aria-label': `Tags of ${s.name}` });
    api('GET', csms(`/csms/${seg(s.id)}/tags`))
      .then((t) => tags.replaceChildren(...(t.tags ?? []).map((/** @type {Json} */ tag) => h('li', {}, `${tag.key}=${tag.value}`))))
      .catch(() => {});
    return [
      h('a', { href: `#/secrets/${seg(s.name)}` }, s.name),
      h('span', { class: `state ${String(s.state).toLowerCase()}` }, s.state),
      s.secret_type,
      (s.event_subscriptions ?? []).join(', '),
      tags,
      time(s.create_time),
    ];
  });
  put(
    main,
    h('h2', {}, 'Secrets'),
    table('Secrets', ['Name', 'State', 'Type', 'Event', 'Tags', 'Created'], rows, 'No secrets yet: create one below.'),
    more(secrets, list.length),
    form(
      'Create a secret',
      [
        field('Name', { name: 'name', required: true, maxlength: 64, autocomplete: 'off' }),
        field('Value', { name: 'secret_string', rows: 3, required: true, autocomplete: 'off', spellcheck: 'false' }),
        select('Subscribed event', 'event', [['', '(none)'], ...(events.events ?? []).map((/** @type {Json} */ e) => [e.name, e.name])]),
        select('KMS key', 'kms_key_id', [
          ['', '(the default key)'],
          ...(keys.key_details ?? []).map((/** @type {Json} */ k) => [k.key_id, `${k.key_alias} (${k.key_id})`]),
        ]),
        field('Description', { name: 'description', autocomplete: 'off' }),
      ],
      'Create secret',
      async (v, el) => {
        /** @type {Json} */
        const body = { name: v.name, secret_string: v.secret_string };
        if (v.event) body.event_subscriptions = [v.event];
        if (v.kms_key_id) body.kms_key_id = v.kms_key_id;
        if (v.description) body.description = v.description;
        await api('POST', csms('/secrets'), body);
        el.reset();
        location.hash = `#/secrets/${seg(v.name)}`;
      },
    ),
  );
}

/**
 * @param {HTMLElement} main
 * @param {string[]} args the secret's name
 */
async function secretPage(main, [name]) {
  const path = csms(`/secrets/${seg(name)}`);
  const [{ secret }, versions] = await Promise.all([api('GET', path), api('GET', `${path}/versions?limit=${PAGE}`)]);
  const tags = await api('GET', csms(`/csms/${seg(secret.id)}/tags`)).catch(() => ({ tags: [] }));
  const reload = () => route();
  /** @type {Json[]} */
  const versionList = versions.version_metadatas ?? [];
  const rows = versionList
    .slice()
    .reverse()
    .map((v) => [h('strong', {}, v.id), (v.version_stages ?? []).join(', '), time(v.create_time), time(v.expire_time), reveal(path, v.id)]);
  const pending = secret.state === 'PENDING_DELETE';
  put(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/secrets' }, 'Secrets'), ' / '),
    h('h2', {}, secret.name),
    h(
      'dl',
      { class: 'facts' },
      fact('Id', secret.id),
      fact('State', h('span', { class: `state ${String(secret.state).toLowerCase()}` }, secret.state)),
      fact('Type', secret.secret_type),
      fact('KMS key', secret.kms_key_id),
      fact('Subscribed event', (secret.event_subscriptions ?? []).join(', ') || '(none)'),
      fact('Description', secret.description ?? ''),
      fact('Created', time(secret.create_time)),
      fact('Updated', time(secret.update_time)),
      pending ? fact('Deleted on', time(secret.scheduled_delete_time)) : null,
      fact('Automatic rotation', secret.auto_rotation ? `every ${secret.rotation_period ?? ''}` : 'off'),
    ),
    h('h3', {}, 'Versions'),
    table('Versions', ['Version', 'Stages', 'Created', 'Expires', 'Value'], rows, 'No versions.'),
    h(
      'div',
      { class: 'actions wide' },
      button('Rotate now', async () => {
        const answer = await api('POST', `${path}/rotate`);
        await reload();
        announce(`Rotation started: version ${answer.version_id ?? ''}, task ${answer.rotation_task_id ?? ''}.`);
      }),
      pending
        ? button('Restore', async () => {
            await api('POST', `${path}/scheduled-deleted-tasks/cancel`);
            await reload();
          })
        : null,
    ),
    form(
      'New version',
      [field('Value', { name: 'secret_string', rows: 3, required: true, autocomplete: 'off', spellcheck: 'false' })],
      'Add version',
      async (v) => {
        const answer = await api('POST', `${path}/versions`, { secret_string: v.secret_string });
        await reload();
        announce(`Version ${answer.version_metadata?.id ?? ''} added; it holds SYSCURRENT.`);
      },
    ),
    h('h3', {}, 'Tags'),
    table(
      'Tags',
      ['Key', 'Value', ''],
      (tags.tags ?? []).map((/** @type {Json} */ t) => [
        t.key,
        t.value,
        button(
          'Remove',
          async () => {
            await api('DELETE', csms(`/csms/${seg(secret.id)}/tags/${seg(t.key)}`));
            await reload();
          },
          'quiet',
        ),
      ]),
      'No tags.',
    ),
    form(
      'Add a tag',
      [field('Key', { name: 'key', required: true, autocomplete: 'off' }), field('Value', { name: 'value', autocomplete: 'off' })],
      'Add tag',
      async (v) => {
        await api('POST', csms(`/csms/${seg(secret.id)}/tags`), { tag: { key: v.key, value: v.value } });
        await reload();
      },
    ),
    pending
      ? null
      : form(
          'Schedule the deletion',
          [field('Days to wait (7 to 30)', { name: 'days', type: 'number', min: 7, max: 30, value: 30, required: true })],
          'Schedule deletion',
          async (v) => {
            await api('POST', `${path}/scheduled-deleted-tasks/create`, { recovery_window_in_days: Number(v.days) });
            await reload();
          },
        ),
  );
}

/**
 * @param {string} label
 * @param {Child} value
 */
function fact(label, value) {
  return h('div', {}, h('dt', {}, label), h('dd', {}, value));
}

/**
 * The "Reveal" control of one version: the value is fetched on the click and dropped on "Hide".
 * @param {string} path the secret's path
 * @param {string} version
 */
function reveal(path, version) {
  const out = h('output', { class: 'value', 'aria-live': 'polite' });
  const holder = h('div', { class: 'reveal' });
  const show = button(`Reveal ${version}`, async () => {
    const { version: v } = await api('GET', `${path}/versions/${seg(version)}`);
    out.textContent = v.secret_string ?? `(binary) ${v.secret_binary ?? ''}`;
    holder.replaceChildren(out, hide);
    hide.focus();
  });
  const hide = h('button', { type: 'button', class: 'quiet' }, `Hide ${version}`);
  hide.addEventListener('click', () => {
    out.textContent = '';
    holder.replaceChildren(show);
    show.focus();
  });
  holder.append(show);
  return holder;
}

/** @param {HTMLElement} main */
async function tasksPage(main) {
  const answer = await api('GET', csms(`/csms/tasks?limit=${PAGE}`));
  const rows = (answer.tasks ?? []).map((/** @type {Json} */ t) => [
    h('code', {}, t.task_id),
    h('a', { href: `#/secrets/${seg(t.secret_name)}` }, t.secret_name),
    t.operate_type,
    h('span', { class: `state ${String(t.task_status).toLowerCase()}` }, t.task_status),
    String(t.attempt_num ?? ''),
    time(t.task_time),
    [t.task_error_code, t.task_error_msg].filter(Boolean).join(': '),
  ]);
  put(
    main,
    h('h2', {}, 'Rotation tasks'),
    table('Rotation tasks', ['Task', 'Secret', 'Operation', 'Status', 'Attempts', 'Time', 'Error'], rows, 'No rotation tasks yet.'),
  );
}

/** How long a row that arrived while the page was open stays marked, in milliseconds. */
const NEW_MS = 5000;

/**
 * A list that watches: asks every POLL_MS, adds the rows it had not seen (marked for a few seconds) and
 * keeps the ones it had as they are (a message opened stays open).
 * @param {HTMLElement} holder
 * @param {() => Promise<Json[]>} fetchRows
 * @param {(row: Json) => string} keyOf
 * @param {(row: Json) => HTMLElement} render
 * @param {string} empty
 */
async function watch(holder, fetchRows, keyOf, render, empty) {
  /** @type {Map<string, { el: HTMLElement, since: number }>} */
  const known = new Map();
  let first = true;
  const status = h('p', { class: 'live', role: 'status' });
  const checked = h('p', { class: 'live' });
  const list = h('ol', { class: 'feed' });
  const none = h('p', { class: 'empty' }, empty);
  holder.replaceChildren(status, list, none, checked);
  const tick = async () => {
    const rows = await fetchRows();
    const now = Date.now();
    const items = rows.map((row) => {
      const key = keyOf(row);
      let entry = known.get(key);
      if (!entry) {
        entry = { el: render(row), since: first ? 0 : now };
        known.set(key, entry);
      }
      entry.el.classList.toggle('new', now - entry.since < NEW_MS);
      return entry.el;
    });
    const shown = new Set(rows.map(keyOf));
    for (const key of [...known.keys()]) if (!shown.has(key)) known.delete(key);
    if (items.length !== list.children.length || items.some((el, i) => list.children[i] !== el)) {
      list.replaceChildren(...items);
    }
    list.hidden = rows.length === 0;
    none.hidden = rows.length > 0;
    const fresh = items.filter((el) => el.classList.contains('new')).length;
    const said = `${rows.length} shown${fresh ? `, ${fresh} just arrived` : ''}.`;
    if (status.textContent !== said) status.textContent = said;
    checked.textContent = `Checked at ${new Date().toLocaleTimeString()}; asked again every second.`;
    first = false;
  };
  await tick();
  poll(tick);
}

/** @param {HTMLElement} main */
async function recordsPage(main) {
  const holder = h('div', {});
  put(main, h('h2', {}, 'Notifications'), h('p', { class: 'lede' }, 'Every notification record, newest first, as it arrives.'), holder);
  await watch(
    holder,
    async () => (await api('GET', csms(`/csms/notification-records?limit=${PAGE}`))).records ?? [],
    (r) => `${r.create_time}|${r.event_name}|${r.secret_name}|${r.trigger_event_type}|${r.notification_status}`,
    (r) =>
      h(
        'li',
        { class: 'record' },
        h(
          'p',
          { class: 'line' },
          h('span', { class: `state ${String(r.notification_status).toLowerCase()}` }, r.notification_status),
          ' ',
          h('strong', {}, r.trigger_event_type),
          ' of ',
          h('a', { href: `#/secrets/${seg(r.secret_name)}` }, r.secret_name),
          ` by event ${r.event_name} to ${r.notification_target_name}`,
          h('time', {}, time(r.create_time)),
        ),
        h('details', {}, h('summary', {}, 'Message'), h('pre', {}, pretty(r.notification_content))),
      ),
    'No notifications yet: an event fires when a secret subscribed to it gets a version, rotates or is deleted.',
  );
}

/** @param {string} text */
function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text ?? '');
  }
}

/** @param {HTMLElement} main */
async function topicsPage(main) {
  const answer = await api('GET', smn('/topics?limit=100'));
  const reload = () => route();
  const rows = (answer.topics ?? []).map((/** @type {Json} */ t) => [
    h('a', { href: `#/topics/${seg(t.topic_urn)}` }, t.name),
    t.display_name,
    h('code', { class: 'wrap' }, t.topic_urn),
    t.create_time,
    button(
      'Delete',
      async () => {
        if (!confirm(`Delete the topic ${t.name} and its subscriptions?`)) return;
        await api('DELETE', smn(`/topics/${seg(t.topic_urn)}`));
        await reload();
      },
      'danger',
    ),
  ]);
  put(
    main,
    h('h2', {}, 'SMN topics'),
    table('Topics', ['Name', 'Display name', 'URN', 'Created', ''], rows, 'No topics yet: create one below.'),
    form(
      'Create a topic',
      [field('Name', { name: 'name', required: true, maxlength: 255, autocomplete: 'off' }), field('Display name', { name: 'display_name', autocomplete: 'off' })],
      'Create topic',
      async (v) => {
        await api('POST', smn('/topics'), { name: v.name, display_name: v.display_name });
        await reload();
      },
    ),
  );
}

/**
 * @param {HTMLElement} main
 * @param {string[]} args the topic's URN
 */
async function topicPage(main, [urn]) {
  const path = smn(`/topics/${seg(urn)}`);
  const [topic, subscriptions] = await Promise.all([api('GET', path), api('GET', `${path}/subscriptions?limit=100`)]);
  const reload = () => route();
  const rows = (subscriptions.subscriptions ?? []).map((/** @type {Json} */ s) => [
    s.protocol,
    h('span', { class: 'wrap' }, s.endpoint),
    SUBSCRIPTION_STATES[String(s.status)] ?? String(s.status),
    s.remark,
    button(
      'Cancel',
      async () => {
        await api('DELETE', smn(`/subscriptions/${seg(s.subscription_urn)}`));
        await reload();
      },
      'danger',
    ),
  ]);
  const deliveries = h('div', {});
  put(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/topics' }, 'Topics'), ' / '),
    h('h2', {}, topic.name ?? urn),
    h('p', {}, h('code', { class: 'wrap' }, urn)),
    h('h3', {}, 'Subscriptions'),
    table('Subscriptions', ['Protocol', 'Endpoint', 'Status', 'Remark', ''], rows, 'No subscriptions.'),
    h('h3', {}, 'Deliveries'),
    deliveries,
    form(
      'Subscribe an endpoint',
      [
        select('Protocol', 'protocol', [
          ['http', 'http'],
          ['https', 'https'],
        ]),
        field('Endpoint', { name: 'endpoint', required: true, placeholder: 'http://127.0.0.1:9000/hook', autocomplete: 'off' }),
        field('Remark', { name: 'remark', autocomplete: 'off' }),
      ],
      'Subscribe',
      async (v) => {
        await api('POST', `${path}/subscriptions`, { protocol: v.protocol, endpoint: v.endpoint, remark: v.remark });
        await reload();
        announce('Subscribed: the endpoint receives a SubscriptionConfirmation; visiting its subscribe_url confirms it.');
      },
    ),
  );
  await watch(
    deliveries,
    async () => (await api('GET', smn(`/deliveries?topic_urn=${seg(urn)}&limit=${PAGE}`))).deliveries ?? [],
    (d) => `${d.message_id}|${d.subscription_urn}|${d.status}|${d.attempts}`,
    (d) =>
      h(
        'li',
        { class: 'record' },
        h(
          'p',
          { class: 'line' },
          h('span', { class: `state ${String(d.status).toLowerCase()}` }, d.status),
          ' ',
          h('strong', {}, d.message_type),
          ` to ${d.endpoint} after ${d.attempts} attempt(s)`,
          d.reason ? ` (${d.reason})` : '',
          h('time', {}, time(d.end_time || d.create_time)),
        ),
      ),
    'Nothing delivered yet.',
  );
}

/** @param {HTMLElement} main */
async function keysPage(main) {
  const answer = await api('POST', kms('/list-keys'), { limit: '1000' });
  const reload = () => route();
  const rows = (answer.key_details ?? []).map((/** @type {Json} */ k) => [
    h('strong', {}, k.key_alias),
    h('code', { class: 'wrap' }, k.key_id),
    h('span', { class: `state key-${k.key_state}` }, KEY_STATES[k.key_state] ?? k.key_state),
    k.key_spec ?? '',
    k.default_key_flag === '1' ? 'default' : '',
    time(k.creation_date),
    h(
      'div',
      { class: 'actions' },
      k.key_state === '2'
        ? button('Disable', async () => {
            await api('POST', kms('/disable-key'), { key_id: k.key_id });
            await reload();
          })
        : null,
      k.key_state === '3'
        ? button('Enable', async () => {
            await api('POST', kms('/enable-key'), { key_id: k.key_id });
            await reload();
          })
        : null,
      k.key_state === '4'
        ? button('Cancel deletion', async () => {
            await api('POST', kms('/cancel-key-deletion'), { key_id: k.key_id });
            await reload();
          })
        : button(
            'Schedule deletion',
            async () => {
              if (!confirm(`Schedule the deletion of ${k.key_alias} in 7 days? Secrets sealed under it become unreadable.`)) return;
              await api('POST', kms('/schedule-key-deletion'), { key_id: k.key_id, pending_days: '7' });
              await reload();
            },
            'danger',
          ),
    ),
  ]);
  put(
    main,
    h('h2', {}, 'KMS keys'),
    h('p', { class: 'lede' }, 'The keys that seal the secrets’ values: a disabled key makes its values unreadable.'),
    table('Keys', ['Alias', 'Id', 'State', 'Spec', '', 'Created', 'Actions'], rows, 'No keys yet.'),
    form(
      'Create a key',
      [field('Alias', { name: 'key_alias', required: true, maxlength: 255, autocomplete: 'off' }), field('Description', { name: 'key_description', autocomplete: 'off' })],
      'Create key',
      async (v) => {
        /** @type {Json} */
        const body = { key_alias: v.key_alias };
        if (v.key_description) body.key_description = v.key_description;
        await api('POST', kms('/create-key'), body);
        await reload();
      },
    ),
  );
}

/** @type {Record<string, (main: HTMLElement, args: string[]) => Promise<void>>} */
const PAGES = {
  events: eventsPage,
  secrets: async (main, args) => (args.length ? secretPage(main, args) : secretsPage(main)),
  tasks: tasksPage,
  records: recordsPage,
  topics: async (main, args) => (args.length ? topicPage(main, args) : topicsPage(main)),
  keys: keysPage,
};

/** Shows the page the address names (or the sign-in). */
async function route() {
  stopPage();
  stopPage = () => {};
  clearError();
  const main = byId('main');
  const nav = byId('nav');
  const who = byId('who');
  const signOut = byId('sign-out');
  nav.hidden = who.hidden = signOut.hidden = !session;
  if (!session) {
    signInPage(main);
    return;
  }
  who.textContent = `Project ${session.project} · ${session.token ? 'token' : `access key ${session.ak}`}`;
  const [name, ...args] = location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  const page = PAGES[name ?? ''] ? name : 'events';
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#/${page}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  main.setAttribute('aria-busy', 'true');
  try {
    await PAGES[page](main, args);
  } catch (e) {
    put(main, h('h2', {}, 'This page could not be shown'));
    showError(e);
  } finally {
    main.removeAttribute('aria-busy');
  }
}

window.addEventListener('hashchange', () => {
  route().then(() => byId('main').focus({ preventScroll: true }));
});
byId('sign-out').addEventListener('click', () => {
  setSession(null);
  location.hash = '';
  route();
});
route();
