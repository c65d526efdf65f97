import { describe, expect, it } from 'vitest';
import { findPhrase, pluralize, replacePhrase, splitWords, toSnakeCase } from './words.js';

describe('splitWords', () => {
  it.each([
    ['order_lines', ['order', 'lines']],
    ['OrderLines', ['order', 'lines']],
    ['orderLines', ['order', 'lines']],
    ['orderID', ['order', 'id']],
    ['OrderIDs', ['order', 'ids']],
    ['HTTPServer', ['http', 'server']],
    ['CLIENT_ID', ['client', 'id']],
    ['_order__id_', ['order', 'id']],
    ['orders_90d', ['orders', '90d']],
    ['line2Total', ['line2', 'total']],
    ['shopping basket', ['shopping', 'basket']],
    ['e-mail', ['e', 'mail']],
    ['café_id', ['café', 'id']],
    ['', []],
  ])('%s → %j', (name, words) => {
    expect(splitWords(name)).toEqual(words);
  });
});

describe('toSnakeCase', () => {
  it.each([
    ['OrderLines', 'order_lines'],
    ['orderTotal', 'order_total'],
    ['order__history', 'order_history'],
    ['_private', 'private'],
    ['Revenue', 'revenue'],
    ['already_snake_2', 'already_snake_2'],
  ])('%s → %s', (name, snake) => {
    expect(toSnakeCase(name)).toBe(snake);
  });
});

describe('pluralize', () => {
  it.each([
    ['vehicle', 'vehicles'],
    ['delivery', 'deliveries'],
    ['day', 'days'],
    ['box', 'boxes'],
    ['batch', 'batches'],
  ])('%s → %s', (word, plural) => {
    expect(pluralize(word)).toBe(plural);
  });
});

describe('findPhrase', () => {
  it('matches whole words only, and the last word also in the plural', () => {
    expect(findPhrase(['car', 'id'], ['car'])).toEqual([{ start: 0, end: 1, plural: false }]);
    expect(findPhrase(['cart', 'id'], ['car'])).toEqual([]);
    expect(findPhrase(['cars'], ['car'])).toEqual([{ start: 0, end: 1, plural: true }]);
    expect(findPhrase(['deliveries'], ['delivery'])).toEqual([{ start: 0, end: 1, plural: true }]);
    expect(findPhrase(['scar', 'cars'], ['car'])).toEqual([{ start: 1, end: 2, plural: true }]);
  });

  it('matches phrases as consecutive words, every occurrence', () => {
    expect(findPhrase(['shopping', 'basket', 'id'], ['shopping', 'basket'])).toEqual([{ start: 0, end: 2, plural: false }]);
    expect(findPhrase(['shopping', 'id', 'basket'], ['shopping', 'basket'])).toEqual([]);
    expect(findPhrase(['shoppings', 'basket'], ['shopping', 'basket'])).toEqual([]);
    expect(findPhrase(['car', 'to', 'car'], ['car'])).toEqual([
      { start: 0, end: 1, plural: false },
      { start: 2, end: 3, plural: false },
    ]);
    expect(findPhrase(['car'], [])).toEqual([]);
  });
});

describe('replacePhrase', () => {
  it('replaces each match, in the plural where the match was', () => {
    const words = ['car', 'to', 'cars'];
    expect(replacePhrase(words, findPhrase(words, ['car']), ['vehicle'])).toEqual(['vehicle', 'to', 'vehicles']);
    const basket = ['shopping', 'baskets', 'total'];
    expect(replacePhrase(basket, findPhrase(basket, ['shopping', 'basket']), ['order', 'line'])).toEqual(['order', 'lines', 'total']);
  });
});
