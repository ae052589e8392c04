// The public JSON API, with the signed-in user's bearer token. Errors arrive as RFC 9457
// ProblemDetails; they are thrown as ApiError and shown with problemView().
import { token, signOut } from './auth.js';
import { h } from './dom.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

export function authorization() {
  const value = token();
  return value ? { Authorization: `Bearer ${value}` } : {};
}

/** Builds "/api/x?a=1" from a path and the defined, non-empty query values. */
export function url(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, value);
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function get(path, query) {
  return send('GET', url(path, query));
}

export async function post(path, body) {
  return send('POST', path, body);
}

async function send(method, path, body) {
  const headers = { Accept: 'application/json', ...authorization() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? safeJson(text) : null;
  if (!response.ok) {
    if (response.status === 401) {
      signOut();
      location.hash = '#/signin?expired=1';
    }
    throw new ApiError(response.status, json);
  }
  return json;
}

function safeJson(text) {
  try { return JSON.parse(text); } catch { return null; }
}

/** A ProblemDetails (or any error) as an alert: title, detail, and each field's messages. */
export function problemView(error) {
  const problem = error instanceof ApiError ? error.problem : { title: String(error?.message ?? error) };
  const status = error instanceof ApiError ? `${error.status} ` : '';
  const fields = Object.entries(problem.errors ?? {});
  return h('div', { class: 'problem', role: 'alert' },
    h('strong', {}, `${status}${problem.title ?? 'Request failed'}`),
    problem.detail ? h('p', {}, problem.detail) : null,
    fields.length ? h('ul', {}, fields.map(([field, messages]) => h('li', {}, h('code', {}, field), ': ', [messages].flat().join(' ')))) : null);
}
