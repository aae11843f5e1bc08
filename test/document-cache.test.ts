import { describe, expect, it } from 'vitest';
import { DOCUMENT_CACHE_CHARS, documentCache } from '../server/http/document-cache.ts';

describe('the GraphQL document cache', () => {
  it('is bounded by the length of the texts it keeps, not by their number', () => {
    const cache = documentCache<{ n: number }>();
    // 1,000 documents of 5,000 characters: ten times the budget (yoga's default would keep 1,024 of them).
    const text = (n: number) => `query Q${n} { ${'x '.repeat(2500)} }`;
    for (let n = 0; n < 1000; n++) cache.set(text(n), { n });
    expect(cache.calculatedSize).toBeLessThanOrEqual(DOCUMENT_CACHE_CHARS);
    expect(cache.size).toBeLessThan(110);
    // The most recent stay, the oldest went.
    expect(cache.get(text(999))).toEqual({ n: 999 });
    expect(cache.get(text(0))).toBeUndefined();
    // A text longer than the whole budget is not kept at all.
    cache.set('y'.repeat(DOCUMENT_CACHE_CHARS + 1), { n: -1 });
    expect(cache.get('y'.repeat(DOCUMENT_CACHE_CHARS + 1))).toBeUndefined();
    expect(cache.get(text(999))).toEqual({ n: 999 });
  });
});
