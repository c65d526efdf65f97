/* Issue 12, item 4: schedules are five-field cron expressions that fire; the message says which field is wrong. */
import { describe, expect, it } from 'vitest';
import { cronProblem } from '../src/spec/primitives.js';

describe('cronProblem', () => {
  it('accepts five valid fields and nicknames', () => {
    for (const ok of ['0 6 * * *', '*/15 * * * MON-FRI', '0 6 29 2 *', '0 6 L * *', '0 0 1 1,7 *', '@daily', '0 6 31 2 1']) expect(cronProblem(ok), ok).toBeUndefined();
  });

  it('refuses six fields (seconds) and other counts', () => {
    expect(cronProblem('0 0 5 * * *')).toContain('has 6 fields (six fields would add seconds first');
    expect(cronProblem('0 5 * *')).toContain('has 4 fields');
    expect(cronProblem('')).toContain('has 0 fields');
  });

  it('refuses a schedule that never fires', () => {
    expect(cronProblem('0 5 31 2 *')).toBe('never fires: no date has day of month `31` in month `2`');
    expect(cronProblem('0 6 31 4,6,9,11 *')).toContain('never fires');
  });

  it('names the wrong field, with its own numbering (months 1–12)', () => {
    expect(cronProblem('61 6 * * *')).toContain('`61` as its minute (field 1)');
    expect(cronProblem('0 24 * * *')).toContain('as its hour (field 2)');
    expect(cronProblem('0 6 * 13 *')).toContain('`13` as its month (field 4), which is not valid: the month takes 1–12 or JAN–DEC');
    expect(cronProblem('0 6 * * 8')).toContain('as its weekday (field 5)');
    expect(cronProblem('@sometimes')).toContain('not a cron nickname');
  });
});
