// The portal is a client of the /v1 API: the session cookie authenticates, and every
// state-changing request carries the session's CSRF token.
let csrfToken = null;
let onSessionEnded = () => {};

export function setCsrf(token) {
  csrfToken = token;
}

export function whenSessionEnds(fn) {
  onSessionEnded = fn;
}

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.error?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.error?.details?.code ?? body?.error?.code;
    this.body = body;
  }
}

export async function api(method, path, { body, headers = {}, raw } = {}) {
  const init = { method, headers: { accept: 'application/json', ...headers }, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['x-csrf-token'] = csrfToken;
  if (raw !== undefined) init.body = raw;
  else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !path.startsWith('/portal/log')) onSessionEnded(error);
    throw error;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body, headers) => api('POST', path, { body, headers });
