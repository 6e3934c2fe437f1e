// Repeats a page's refresh until the page is left (its signal aborts).

export function delay(ms, signal) {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

export async function poll(intervalMs, signal, tick) {
  while (!signal.aborted) {
    await tick();
    await delay(intervalMs, signal);
  }
}
