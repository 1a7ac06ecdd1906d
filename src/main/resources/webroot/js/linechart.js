// A small time-series line chart on a canvas: several series, a sliding time window, gaps for missing values,
// nice y ticks, a legend with the latest values and a hover read-out. No dependencies.

import {byUnit, clock} from './format.js';

const X_STEPS_S = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
const MIN_WINDOW_MS = 60_000;
const PAD = {left: 60, right: 10, top: 8, bottom: 20};

function niceStep(raw) {
  const exp = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / exp;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * exp;
}

function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export class LineChart {
  /**
   * @param el the element to fill
   * @param options title; unit (ms | rate | percent | bytes | count); series [{key, label, color (a CSS variable
   *   name), dash?, area?, reference? (a factor: the series scales the axis only when within it of the others)}];
   *   windowMs (default 5 min); max (a fixed top, e.g. 1 for percent); floor (smallest top
   *   of the y axis); height in CSS pixels
   */
  constructor(el, {title, unit = 'count', series, windowMs = 300_000, max = null, floor = null, height = 130}) {
    this.el = el;
    this.unit = unit;
    this.fmt = byUnit(unit);
    this.series = series;
    this.windowMs = windowMs;
    this.fixedMax = max;
    this.floor = floor ?? (unit === 'ms' ? 10 : unit === 'percent' ? 1 : 1);
    this.height = height;
    this.t = [];
    this.values = Object.fromEntries(series.map((s) => [s.key, []]));
    this.hoverX = null;
    el.classList.add('chart');
    el.innerHTML = '';
    const head = document.createElement('div');
    head.className = 'chart-head';
    const titleEl = document.createElement('span');
    titleEl.className = 'chart-title';
    titleEl.textContent = title;
    this.legend = document.createElement('span');
    this.legend.className = 'chart-legend';
    this.legendValues = {};
    for (const s of series) {
      const item = document.createElement('span');
      item.className = 'legend-item';
      const swatch = document.createElement('i');
      swatch.className = 'swatch' + (s.dash ? ' dashed' : '');
      swatch.style.setProperty('--c', `var(${s.color})`);
      const label = document.createElement('span');
      label.textContent = s.label;
      const value = document.createElement('b');
      value.textContent = '–';
      this.legendValues[s.key] = value;
      item.append(swatch, label, value);
      this.legend.append(item);
    }
    head.append(titleEl, this.legend);
    const body = document.createElement('div');
    body.className = 'chart-body';
    this.canvas = document.createElement('canvas');
    this.canvas.style.height = height + 'px';
    this.tip = document.createElement('div');
    this.tip.className = 'chart-tip';
    this.tip.hidden = true;
    body.append(this.canvas, this.tip);
    el.append(head, body);
    this.canvas.addEventListener('mousemove', (e) => {
      this.hoverX = e.offsetX;
      this.schedule();
    });
    this.canvas.addEventListener('mouseleave', () => {
      this.hoverX = null;
      this.tip.hidden = true;
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(body);
  }

  /** Appends a point: time in epoch ms and {key: value or null}. */
  push(time, values) {
    if (this.t.length && time <= this.t[this.t.length - 1]) return;
    this.t.push(time);
    for (const s of this.series) {
      const v = values[s.key];
      this.values[s.key].push(v == null || Number.isNaN(v) ? null : v);
    }
    // Keep one point older than the window, so lines reach its left edge.
    const start = time - this.windowMs;
    let drop = 0;
    while (drop + 1 < this.t.length && this.t[drop + 1] <= start) drop++;
    if (drop) {
      this.t.splice(0, drop);
      for (const s of this.series) this.values[s.key].splice(0, drop);
    }
    this.schedule();
  }

  /** Forgets every point. */
  clear() {
    this.t = [];
    for (const s of this.series) this.values[s.key] = [];
    this.schedule();
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.draw();
    });
  }

  latest() {
    const out = {};
    for (const s of this.series) {
      const vs = this.values[s.key];
      out[s.key] = vs.length ? vs[vs.length - 1] : null;
    }
    return out;
  }

  draw() {
    const latest = this.latest();
    for (const s of this.series) this.legendValues[s.key].textContent = this.fmt(latest[s.key]);
    this.el.dataset.points = String(this.t.length);
    this.el.dataset.latest = JSON.stringify(latest);
    this.el.dataset.max = JSON.stringify(Object.fromEntries(this.series.map((s) =>
      [s.key, this.values[s.key].reduce((m, v) => (v != null && (m == null || v > m) ? v : m), null)])));

    const width = this.canvas.clientWidth;
    if (!width) return;
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(this.height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(this.height * dpr);
    }
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, this.height);
    const plotW = width - PAD.left - PAD.right;
    const plotH = this.height - PAD.top - PAD.bottom;
    // The window grows with the data up to windowMs, so a fresh node's first minute fills the chart.
    const tEnd = this.t.length ? this.t[this.t.length - 1] : Date.now();
    const span = this.t.length ? tEnd - this.t[0] : 0;
    const windowMs = Math.min(this.windowMs, Math.max(MIN_WINDOW_MS, span));
    const tStart = tEnd - windowMs;
    const x = (t) => PAD.left + ((t - tStart) / windowMs) * plotW;

    // y scale
    let top = this.fixedMax;
    if (top == null) {
      // A reference series (e.g. capacity) sets the scale only when it is near the others, so that a large
      // capacity does not flatten the lines that matter; it is then drawn clipped, and its legend keeps the value.
      const seriesMax = (s) => this.values[s.key].reduce((m, v) => (v != null && v > m ? v : m), 0);
      let max = 0;
      for (const s of this.series) if (!s.reference) max = Math.max(max, seriesMax(s));
      for (const s of this.series) {
        if (s.reference && seriesMax(s) <= Math.max(max, this.floor) * s.reference) max = Math.max(max, seriesMax(s));
      }
      max = Math.max(max * 1.08, this.floor);
      const step = niceStep(max / 4);
      top = Math.ceil(max / step) * step;
    }
    const y = (v) => PAD.top + plotH - (Math.min(v, top) / top) * plotH;

    // grid and labels
    const grid = cssVar('--chart-grid');
    const text = cssVar('--chart-text');
    ctx.font = '11px system-ui, sans-serif';
    ctx.lineWidth = 1;
    ctx.strokeStyle = grid;
    ctx.fillStyle = text;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    const yStep = this.fixedMax != null ? this.fixedMax / 4 : niceStep(top / 4);
    for (let v = 0; v <= top + yStep / 1000; v += yStep) {
      const yy = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, yy);
      ctx.lineTo(PAD.left + plotW, yy);
      ctx.stroke();
      ctx.fillText(this.fmt(v), PAD.left - 6, yy);
    }
    const xStepS = X_STEPS_S.find((s) => windowMs / (s * 1000) <= 5) || 3600;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    const first = Math.ceil(tStart / (xStepS * 1000)) * xStepS * 1000;
    for (let t = first; t <= tEnd; t += xStepS * 1000) {
      const xx = Math.round(x(t)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(xx, PAD.top);
      ctx.lineTo(xx, PAD.top + plotH);
      ctx.stroke();
      const label = xStepS >= 60 ? clock(t).slice(0, 5) : clock(t);
      ctx.fillText(label, Math.min(Math.max(xx, PAD.left + 20), PAD.left + plotW - 20), PAD.top + plotH + 5);
    }

    // series
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.left, PAD.top - 1, plotW, plotH + 2);
    ctx.clip();
    for (const s of this.series) {
      const color = cssVar(s.color);
      const vs = this.values[s.key];
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.75;
      ctx.lineJoin = 'round';
      ctx.setLineDash(s.dash ? [5, 4] : []);
      let run = [];
      const flush = () => {
        if (!run.length) return;
        if (s.area) {
          ctx.beginPath();
          ctx.moveTo(run[0][0], PAD.top + plotH);
          for (const [px, py] of run) ctx.lineTo(px, py);
          ctx.lineTo(run[run.length - 1][0], PAD.top + plotH);
          ctx.closePath();
          ctx.globalAlpha = 0.14;
          ctx.fillStyle = color;
          ctx.fill();
          ctx.globalAlpha = 1;
        }
        ctx.beginPath();
        run.forEach(([px, py], i) => (i ? ctx.lineTo(px, py) : ctx.moveTo(px, py)));
        if (run.length === 1) ctx.arc(run[0][0], run[0][1], 1.5, 0, Math.PI * 2);
        ctx.stroke();
        run = [];
      };
      for (let i = 0; i < this.t.length; i++) {
        if (vs[i] == null) flush();
        else run.push([x(this.t[i]), y(vs[i])]);
      }
      flush();
    }
    ctx.restore();
    ctx.setLineDash([]);

    if (!this.t.length) {
      ctx.fillStyle = text;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('waiting for data…', PAD.left + plotW / 2, PAD.top + plotH / 2);
    }
    this.drawHover(ctx, x, y, plotH);
  }

  drawHover(ctx, x, y, plotH) {
    if (this.hoverX == null || !this.t.length) return;
    let best = 0;
    for (let i = 1; i < this.t.length; i++) {
      if (Math.abs(x(this.t[i]) - this.hoverX) < Math.abs(x(this.t[best]) - this.hoverX)) best = i;
    }
    const xx = Math.round(x(this.t[best])) + 0.5;
    ctx.strokeStyle = cssVar('--chart-text');
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(xx, PAD.top);
    ctx.lineTo(xx, PAD.top + plotH);
    ctx.stroke();
    const time = document.createElement('div');
    time.className = 'tip-time';
    time.textContent = clock(this.t[best]);
    const rows = [time];
    for (const s of this.series) {
      const v = this.values[s.key][best];
      if (v != null) {
        ctx.fillStyle = cssVar(s.color);
        ctx.beginPath();
        ctx.arc(xx, y(v), 3, 0, Math.PI * 2);
        ctx.fill();
      }
      const row = document.createElement('div');
      const swatch = document.createElement('i');
      swatch.className = 'swatch';
      swatch.style.setProperty('--c', `var(${s.color})`);
      const value = document.createElement('b');
      value.textContent = this.fmt(v);
      row.append(swatch, ' ' + s.label + ' ', value);
      rows.push(row);
    }
    this.tip.replaceChildren(...rows);
    this.tip.hidden = false;
    const left = xx + 12 + this.tip.offsetWidth > this.canvas.clientWidth ? xx - 12 - this.tip.offsetWidth : xx + 12;
    this.tip.style.left = left + 'px';
  }
}

/** A tiny line without axes, for the tiles: the last `size` values. */
export class Sparkline {
  constructor(canvas, {color = '--s1', size = 120} = {}) {
    this.canvas = canvas;
    this.color = color;
    this.size = size;
    this.values = [];
  }

  push(value) {
    this.values.push(value == null || Number.isNaN(value) ? null : value);
    if (this.values.length > this.size) this.values.shift();
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = null;
        this.draw();
      });
    }
  }

  draw() {
    const w = this.canvas.clientWidth;
    const hgt = this.canvas.clientHeight;
    if (!w || !hgt) return;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hgt * dpr);
    const ctx = this.canvas.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    const max = Math.max(1e-9, ...this.values.filter((v) => v != null));
    const step = w / Math.max(1, this.size - 1);
    const offset = this.size - this.values.length;
    const color = cssVar(this.color);
    const points = [];
    this.values.forEach((v, i) => {
      if (v != null) points.push([(offset + i) * step, hgt - 2 - (v / max) * (hgt - 4)]);
    });
    if (!points.length) return;
    ctx.beginPath();
    ctx.moveTo(points[0][0], hgt);
    for (const [x, y] of points) ctx.lineTo(x, y);
    ctx.lineTo(points[points.length - 1][0], hgt);
    ctx.closePath();
    ctx.globalAlpha = 0.15;
    ctx.fillStyle = color;
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.beginPath();
    points.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.strokeStyle = color;
    ctx.lineWidth = 1.5;
    ctx.stroke();
  }
}
