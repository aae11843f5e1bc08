import { LRUCache } from 'lru-cache';

/**
 * The text of the parsed GraphQL documents kept (and of the documents that failed to parse, a separate cache of
 * the same size). Yoga's default keeps 1,024 of each whatever their size: a parsed document holds its tokens and
 * locations, about 60 bytes of heap per character, so 1,024 documents at the token limit held hundreds of MB,
 * and 1,024 failed documents up to the 1 MB body limit each as much again. Bounded by text, the worst is
 * about 30 MB, and a dashboard's few dozen queries stay cached.
 */
export const DOCUMENT_CACHE_CHARS = 500_000;

/** An LRU cache of documents by their text, bounded by the total length of the texts. */
export function documentCache<V extends object>(maxChars = DOCUMENT_CACHE_CHARS): LRUCache<string, V> {
  return new LRUCache<string, V>({
    maxSize: maxChars,
    // A text longer than the whole budget is simply not kept.
    sizeCalculation: (_value, key) => Math.max(1, key.length),
    ttl: 3_600_000,
  });
}
