// Conditions written as text, for command lines and headers: `solmate_version == v2 and battery < 20`.
// The same conditions as the GraphQL `where` argument; no Node-only imports.

export interface TextCondition {
  field: string;
  op: 'EQUALS' | 'NOT_EQUALS' | 'LT' | 'GT' | 'LTE' | 'GTE' | 'CONTAINS' | 'STARTS_WITH' | 'IS_NULL';
  value?: string;
}

/** Longest operators first, so `<=` is never read as `<`. */
const OPS: ReadonlyArray<[string, TextCondition['op']]> = [
  ['==', 'EQUALS'],
  ['!=', 'NOT_EQUALS'],
  ['<=', 'LTE'],
  ['>=', 'GTE'],
  ['^=', 'STARTS_WITH'],
  ['~=', 'CONTAINS'],
  ['<', 'LT'],
  ['>', 'GT'],
];

/** At most this many conditions and characters (the server's own bound on conditions is 50). */
export const WHERE_TEXT_LIMITS = { conditions: 50, chars: 4096 } as const;

/**
 * Reads `a == 1 and b != x` (also `;` between conditions; `field is null`, `field is not null`). Values are
 * taken as written, up to the next ` and ` or `;`. Returns the conditions, or a one-line reason.
 */
export function parseWhereText(text: string): TextCondition[] | string {
  if (text.length > WHERE_TEXT_LIMITS.chars) return `at most ${WHERE_TEXT_LIMITS.chars} characters`;
  const parts = text
    .split(/\s+and\s+|;/i)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (parts.length > WHERE_TEXT_LIMITS.conditions) return `at most ${WHERE_TEXT_LIMITS.conditions} conditions`;
  const out: TextCondition[] = [];
  for (const part of parts) {
    const nullTest = /^([^\s=!<>^~]+)\s+is\s+(not\s+)?null$/i.exec(part);
    if (nullTest) {
      out.push({ field: nullTest[1] as string, op: 'IS_NULL', value: nullTest[2] ? 'false' : 'true' });
      continue;
    }
    const found = OPS.map(([sym, op]) => ({ at: part.indexOf(sym), sym, op }))
      .filter((o) => o.at > 0)
      .sort((a, b) => a.at - b.at || b.sym.length - a.sym.length)[0];
    if (!found) return `"${part}": expected field == value (or != < <= > >= ^= ~=, is null)`;
    const field = part.slice(0, found.at).trim();
    const value = part.slice(found.at + found.sym.length).trim();
    if (!/^[^\s]+$/.test(field)) return `"${part}": a field is one word`;
    if (value === '') return `"${part}": a value is missing`;
    out.push({ field, op: found.op, value: value.replace(/^"(.*)"$/, '$1') });
  }
  return out;
}
