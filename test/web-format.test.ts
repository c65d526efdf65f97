/** The catalog's small formatters, apart from the browser: cron in words, messages with code and links. */
import { describe, expect, it } from 'vitest';
import { humanizeCron } from '../web/src/ui/cron.js';
import { productOfNode } from '../web/src/ui/node-id.js';

describe('humanizeCron', () => {
  it.each([
    ['0 5 * * *', 'daily at 05:00 UTC'],
    ['30 18 * * *', 'daily at 18:30 UTC'],
    ['0 6,18 * * *', 'daily at 06:00 and 18:00 UTC'],
    ['0 * * * *', 'every hour'],
    ['15 * * * *', 'every hour at 15 minutes past'],
    ['*/15 * * * *', 'every 15 minutes'],
    ['0 */6 * * *', 'every 6 hours'],
    ['0 7 * * 1-5', 'on weekdays at 07:00 UTC'],
    ['0 7 * * 1', 'every Monday at 07:00 UTC'],
    ['0 7 * * 1,3', 'every Monday and Wednesday at 07:00 UTC'],
    ['0 2 1 * *', 'monthly on the 1st at 02:00 UTC'],
    ['0 2 15 1 *', 'yearly on the 15th of January at 02:00 UTC'],
    ['@daily', 'daily at 00:00 UTC'],
    ['@hourly', 'every hour'],
  ])('%s → %s', (cron, words) => {
    expect(humanizeCron(cron)).toBe(words);
  });

  it('returns what it cannot put in words as it is', () => {
    for (const cron of ['0 5 L * *', '5-10 3 * * *', 'not a cron', '0 5 * * MON#2', '0 5 1 * 1']) expect(humanizeCron(cron)).toBe(cron);
  });
});

describe('productOfNode', () => {
  it('takes the product out of a node id', () => {
    expect(productOfNode('port:finance.daily_revenue')).toBe('finance.daily_revenue');
    expect(productOfNode('model:commerce.orders.stg_orders')).toBe('commerce.orders');
    expect(productOfNode('finance.daily_revenue')).toBeUndefined();
  });
});
