// The orchestrator's JSON API, with the API key the user gave for this tab (sessionStorage) as a Bearer token.
const TOKEN_KEY = 'bacalhau.apiKey';

/** Thrown when the API answers 401: the app then asks for a key and reloads the page. */
export class AuthRequiredError extends Error {
  constructor(message) { super(message); this.name = 'AuthRequiredError'; }
}

/** An answer other than 2xx, with the API's own message and hint (`{"Status", "Message", "Code", "Hint", ...}`). */
export class ApiError extends Error {
  constructor(status, message) { super(message); this.name = 'ApiError'; this.status = status; }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: value => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

function headers(extra) {
  const all = new Headers(extra);
  const key = token.get();
  if (key) all.set('Authorization', `Bearer ${key}`);
  return all;
}

async function fail(response) {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = await response.json();
    if (body && typeof body.Message === 'string') message = body.Hint ? `${body.Message} (${body.Hint})` : body.Message;
  } catch { /* not JSON: keep the status line */ }
  if (response.status === 401) throw new AuthRequiredError(message);
  throw new ApiError(response.status, message);
}

export async function request(method, path, { body, contentType, signal } = {}) {
  const response = await fetch(path, {
    method,
    body,
    signal,
    headers: headers(contentType ? { 'Content-Type': contentType } : {}),
    cache: 'no-store',
  });
  if (!response.ok) await fail(response);
  return response.status === 204 ? null : response.json();
}

export const get = (path, options) => request('GET', path, options);

/** Query string of the given parameters, leaving out empty ones. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/**
 * Reads the server-sent events of a log stream with fetch, since EventSource cannot send the Authorization header.
 * Calls onLine for every `data:` line object, onEvent(name, data) for named events; resolves when the stream ends.
 */
export async function streamLogs(jobId, executionId, { follow, signal, onLine, onEvent }) {
  const path = `/api/v1/orchestrator/jobs/${encodeURIComponent(jobId)}/logs${query({ execution_id: executionId, follow })}`;
  const response = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal, cache: 'no-store' });
  if (!response.ok) await fail(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (name === 'message') onLine(JSON.parse(data.join('\n')));
      else onEvent(name, data.join('\n'));
    }
  }
}
