/** A word of SQL outside strings and comments; quoted identifiers are never keywords. */
export interface SqlWord {
  readonly text: string;
  readonly quoted: boolean;
  /** The next significant character is `(`: the word names a function. */
  readonly call: boolean;
  /** The previous significant character is `;`, or this is the first word: it starts a statement. */
  readonly starts: boolean;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/;
const SPACE = /\s/;

/**
 * Splits SQL into words, skipping string literals (standard, E'' with backslash escapes, dollar-quoted),
 * comments (nested block comments too) and punctuation. Unterminated constructs swallow the rest of the text,
 * which only makes the caller more conservative.
 */
export function sqlWords(text: string): SqlWord[] {
  const words: SqlWord[] = [];
  let i = 0;
  let statementStart = true;
  let pending: { text: string; quoted: boolean; starts: boolean } | undefined;
  const flush = (call: boolean) => {
    if (pending) words.push({ ...pending, call });
    pending = undefined;
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (SPACE.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(text, i);
    } else if (c === "'") {
      flush(false);
      const escapes = /[eE]/.test(text[i - 1] ?? '') && !WORD_PART.test(text[i - 2] ?? '');
      i = skipQuoted(text, i, "'", escapes);
    } else if (c === '"') {
      flush(false);
      const end = skipQuoted(text, i, '"', false);
      pending = {
        text: text.slice(i + 1, end - 1).replace(/""/g, '"'),
        quoted: true,
        starts: statementStart,
      };
      statementStart = false;
      i = end;
    } else if (c === '$' && !WORD_PART.test(text[i - 1] ?? '')) {
      flush(false);
      i = skipDollar(text, i);
    } else if (WORD_START.test(c)) {
      flush(false);
      let end = i + 1;
      while (end < text.length && WORD_PART.test(text[end] as string)) end++;
      pending = { text: text.slice(i, end).toLowerCase(), quoted: false, starts: statementStart };
      statementStart = false;
      i = end;
    } else {
      flush(c === '(');
      if (c === ';') statementStart = true;
      i++;
    }
  }
  flush(false);
  return words;
}

function skipBlockComment(text: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < text.length) {
    if (text[i] === '/' && text[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (text[i] === '*' && text[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return text.length;
}

function skipQuoted(text: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text[i];
    if (backslashEscapes && c === '\\') {
      i += 2;
    } else if (c === quote) {
      if (text[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return text.length;
}

/** `$tag$ ... $tag$`; a `$1` parameter or a lone `$` is skipped as punctuation. */
function skipDollar(text: string, start: number): number {
  const match = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(
    text.slice(start, start + 64),
  );
  if (!match) return start + 1;
  const tag = match[0];
  const end = text.indexOf(tag, start + tag.length);
  return end < 0 ? text.length : end + tag.length;
}
