// A line plot drawn as inline SVG: series of [time (ms), value] over a sliding window, redrawn on every sample.
import { svg } from './dom.js';

const WIDTH = 900;
const HEIGHT = 220;
const PAD = { left: 44, right: 12, top: 12, bottom: 24 };

export class LivePlot {
  /** @param {{name: string, className: string}[]} series @param {number} windowMs */
  constructor(series, windowMs) {
    this.series = series.map(s => ({ ...s, points: [] }));
    this.windowMs = windowMs;
    this.element = svg('svg', { class: 'plot', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': series.map(s => s.name).join(', ') });
  }

  /** Adds one sample per series (values in the order the series were given) at time t. */
  add(t, values) {
    this.series.forEach((s, i) => {
      s.points.push([t, values[i]]);
      while (s.points.length && s.points[0][0] < t - this.windowMs) s.points.shift();
    });
    this.draw(t);
  }

  draw(now) {
    const max = Math.max(1, ...this.series.flatMap(s => s.points.map(p => p[1])));
    const top = niceCeiling(max);
    const x = t => PAD.left + ((t - (now - this.windowMs)) / this.windowMs) * (WIDTH - PAD.left - PAD.right);
    const y = v => HEIGHT - PAD.bottom - (v / top) * (HEIGHT - PAD.top - PAD.bottom);
    const children = [];
    for (const fraction of [0, 0.25, 0.5, 0.75, 1]) {
      const value = top * fraction;
      children.push(svg('line', { class: fraction ? 'grid' : 'axis', x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value) }));
      const label = svg('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end' });
      label.textContent = Number.isInteger(value) ? String(value) : value.toFixed(1);
      children.push(label);
    }
    const minutes = Math.round(this.windowMs / 60000);
    for (let m = 0; m <= minutes; m++) {
      const label = svg('text', { x: x(now - m * 60000), y: HEIGHT - 6, 'text-anchor': 'middle' });
      label.textContent = m ? `-${m}m` : 'now';
      children.push(label);
    }
    for (const s of this.series) {
      children.push(svg('polyline', { class: s.className, points: s.points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(' ') }));
    }
    this.element.replaceChildren(...children);
  }
}

function niceCeiling(value) {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}
