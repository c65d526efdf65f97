/**
 * A port's `schedule:` (five-field cron, evaluated in UTC by the server) in words:
 * `0 5 * * *` → "daily at 05:00 UTC". Shapes it does not know are returned as they are,
 * so the words are never wrong; the raw text stays available beside them (a title, code).
 */

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const isNumber = (field: string): boolean => /^\d+$/.test(field);
const pad = (n: number): string => String(n).padStart(2, '0');

function list(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/** A field of numbers (`1`, `1,3`, `1-5`) as names, or undefined if it is something else. */
function names(field: string, table: readonly string[], base: number): string | undefined {
  const out: string[] = [];
  for (const part of field.split(',')) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const from = table[Number(range[1]) - base];
      const to = table[Number(range[2]) % (base === 0 ? 7 : 13) - base];
      if (!from || !to) return undefined;
      out.push(`${from} to ${to}`);
    } else if (isNumber(part)) {
      const name = table[Number(part) % (base === 0 ? 7 : 13) - base];
      if (!name) return undefined;
      out.push(name);
    } else return undefined;
  }
  return list(out);
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function humanizeCron(schedule: string): string {
  const text = schedule.trim();
  const expanded = MACROS[text.toLowerCase()] ?? text;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 5) return schedule;
  const [minute = '', hour = '', dom = '', month = '', dow = ''] = fields;

  // When in the day.
  let time: string | undefined;
  if (isNumber(minute) && isNumber(hour)) time = `at ${pad(Number(hour))}:${pad(Number(minute))} UTC`;
  else if (isNumber(minute) && /^\d+(,\d+)+$/.test(hour)) time = `at ${list(hour.split(',').map((h) => `${pad(Number(h))}:${pad(Number(minute))}`))} UTC`;
  else if (isNumber(minute) && hour === '*') time = minute === '0' ? 'every hour' : `every hour at ${Number(minute)} minutes past`;
  else if (isNumber(minute) && /^\*\/\d+$/.test(hour)) time = `every ${hour.slice(2)} hours${minute === '0' ? '' : ` at ${Number(minute)} minutes past`}`;
  else if (/^\*\/\d+$/.test(minute) && hour === '*') time = `every ${minute.slice(2)} minutes`;
  else if (minute === '*' && hour === '*') time = 'every minute';
  if (!time) return schedule;
  const sub = time.startsWith('at') ? time : undefined;

  if (dom === '*' && month === '*' && dow === '*') return sub ? `daily ${sub}` : time;
  if (dom === '*' && month === '*') {
    if (dow === '1-5') return `on weekdays ${time}`;
    if (dow === '0,6' || dow === '6,0') return `on weekends ${time}`;
    const days = names(dow, DAYS, 0);
    return days ? `every ${days} ${time}` : schedule;
  }
  if (isNumber(dom) && dow === '*') {
    const day = `on the ${ordinal(Number(dom))}`;
    if (month === '*') return `monthly ${day} ${time}`;
    const months = names(month, MONTHS, 1);
    return months ? `yearly ${day} of ${months} ${time}` : schedule;
  }
  return schedule;
}
