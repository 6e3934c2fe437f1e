// Small DOM helpers: elements are built, never parsed from HTML, so text from the API is always text.

/** h('a', {href: '#/x', class: 'y'}, 'text', child) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

export const svg = (tag, attributes = {}) => {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
};

export const stateBadge = state => h('span', { class: `state state-${state}` }, state);

/** Bacalhau's times are Unix nanoseconds; history entries carry ISO strings. */
export function toDate(value) {
  if (typeof value === 'number') return new Date(value / 1e6);
  return new Date(value);
}

export function age(value, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - toDate(value).getTime()) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h`;
  return `${Math.floor(seconds / 86400)}d`;
}

export const time = value => {
  const date = toDate(value);
  return h('time', { datetime: date.toISOString() }, date.toLocaleString());
};

export const jobLink = id => h('a', { href: `#/jobs/${encodeURIComponent(id)}`, class: 'mono' }, id);
export const nodeLink = id => h('a', { href: `#/nodes/${encodeURIComponent(id)}`, class: 'mono' }, id);

export function bytes(value) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) { n /= 1024; unit++; }
  return `${n.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

export const labels = map => Object.entries(map ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');

export const errorText = error => h('p', { class: 'error' }, error.message);
