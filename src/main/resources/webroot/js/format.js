// Number, duration and time formatting shared by the dashboard's views.

const nf = (digits) => new Intl.NumberFormat(undefined, {maximumFractionDigits: digits, minimumFractionDigits: 0});
const NF0 = nf(0);
const NF1 = nf(1);
const NF2 = nf(2);

/** A count: 1234 → "1,234"; 12345678 → "12.3M". */
export function count(value) {
  if (value == null || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e9) return NF1.format(value / 1e9) + 'G';
  if (abs >= 1e6) return NF1.format(value / 1e6) + 'M';
  if (abs >= 1e5) return NF0.format(value / 1e3) + 'k';
  return NF0.format(value);
}

/** A value with up to 2 significant decimals: 0.1234 → "0.12", 12.345 → "12.3". */
export function decimal(value) {
  if (value == null || Number.isNaN(value)) return '–';
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  if (abs < 10) return NF2.format(value);
  if (abs < 100) return NF1.format(value);
  return count(value);
}

/** A rate per second. */
export function rate(value) {
  return value == null ? '–' : decimal(value) + '/s';
}

/** A ratio 0..1 as a percentage. */
export function percent(value) {
  if (value == null || Number.isNaN(value)) return '–';
  const p = value * 100;
  return (p > 0 && p < 1 ? NF1.format(p) : NF0.format(p)) + '%';
}

/** A duration in milliseconds: 0.4 → "0.4 ms", 1530 → "1.53 s", 95000 → "1m 35s". */
export function ms(value) {
  if (value == null || Number.isNaN(value) || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs < 1) return NF2.format(value) + ' ms';
  if (abs < 1000) return (abs < 10 ? NF1 : NF0).format(value) + ' ms';
  if (abs < 60_000) return NF2.format(value / 1000) + ' s';
  if (abs < 3_600_000) return Math.floor(abs / 60_000) + 'm ' + Math.round((abs % 60_000) / 1000) + 's';
  if (abs < 86_400_000) return Math.floor(abs / 3_600_000) + 'h ' + Math.round((abs % 3_600_000) / 60_000) + 'm';
  return Math.floor(abs / 86_400_000) + 'd ' + Math.round((abs % 86_400_000) / 3_600_000) + 'h';
}

/** Bytes: 1536 → "1.5 KiB". */
export function bytes(value) {
  if (value == null || Number.isNaN(value)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return (i === 0 ? NF0 : NF1).format(v) + ' ' + units[i];
}

/** Wall-clock time of an epoch-ms instant: "14:03:27". */
export function clock(epochMs) {
  if (!epochMs) return '–';
  return new Date(epochMs).toLocaleTimeString([], {hour12: false});
}

/** Date and time of an epoch-ms instant: "2026-11-23 14:03:27". */
export function dateTime(epochMs) {
  if (!epochMs) return '–';
  const d = new Date(epochMs);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(epochMs)}`;
}

/** How long ago an epoch-ms instant was: "12 s ago". */
export function ago(epochMs, now = Date.now()) {
  if (!epochMs) return '–';
  const d = Math.max(0, now - epochMs);
  if (d < 1000) return 'just now';
  return ms(Math.round(d / 1000) * 1000).replace(/\.00 s$/, ' s') + ' ago';
}

/** Formatter by unit name, for charts. */
export function byUnit(unit) {
  switch (unit) {
    case 'ms': return ms;
    case 'rate': return rate;
    case 'percent': return percent;
    case 'bytes': return bytes;
    default: return decimal;
  }
}
