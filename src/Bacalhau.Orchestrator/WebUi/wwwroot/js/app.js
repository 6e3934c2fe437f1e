// Hash routing: #/, #/jobs, #/jobs/<id>, #/nodes, #/nodes/<id>, #/submit; parameters after '?' as in a URL.
import { AuthRequiredError, token } from './api.js';
import { errorText, h } from './dom.js';
import * as overview from './pages/overview.js';
import * as jobs from './pages/jobs.js';
import * as job from './pages/job.js';
import * as nodes from './pages/nodes.js';
import * as node from './pages/node.js';
import * as submit from './pages/submit.js';

const routes = [
  [/^\/?$/, overview, 'overview'],
  [/^\/jobs$/, jobs, 'jobs'],
  [/^\/jobs\/([^/]+)$/, job, 'jobs'],
  [/^\/nodes$/, nodes, 'nodes'],
  [/^\/nodes\/([^/]+)$/, node, 'nodes'],
  [/^\/submit$/, submit, 'submit'],
];

const view = document.getElementById('view');
const tokenForm = document.getElementById('token-form');
let current = null;

/** Aborts the shown page's requests, streams and timers when another is shown. */
function leave() {
  current?.abort();
  current = new AbortController();
  return current.signal;
}

async function show() {
  const signal = leave();
  const [path, search] = decodeURI(location.hash.replace(/^#/, '')).split('?');
  const params = new URLSearchParams(search ?? '');
  const route = routes.find(([pattern]) => pattern.test(path));
  for (const link of document.querySelectorAll('nav a')) link.classList.toggle('active', route?.[2] === link.dataset.page);
  view.replaceChildren();
  if (!route) {
    view.append(h('h1', {}, 'Not found'), h('p', {}, h('a', { href: '#/' }, 'Overview')));
    return;
  }
  const [pattern, page] = route;
  const match = path.match(pattern);
  try {
    await page.render(view, { id: match[1] && decodeURIComponent(match[1]), params }, signal);
  } catch (error) {
    failed(error, signal);
  }
}

/** A page's error: a 401 asks for a key; anything else is shown where the page was. */
function failed(error, signal) {
  if (signal?.aborted || error.name === 'AbortError') return;
  if (error instanceof AuthRequiredError) {
    tokenForm.hidden = false;
    document.getElementById('token-input').focus();
    view.replaceChildren(h('p', { class: 'muted' }, error.message));
    return;
  }
  view.append(errorText(error));
}

tokenForm.addEventListener('submit', event => {
  event.preventDefault();
  const input = document.getElementById('token-input');
  token.set(input.value.trim());
  input.value = '';
  tokenForm.hidden = true;
  show();
});

// Errors of event handlers and streams, which no page awaits, are shown the same way.
window.addEventListener('unhandledrejection', event => {
  event.preventDefault();
  failed(event.reason, current?.signal);
});
window.addEventListener('hashchange', show);
show();
