// The one set of credential patterns of the toolkit: every package redacts through this file.

// scheme://user:password@host — the password runs to the LAST '@' of the URL (unencoded '@' in passwords happen;
// `encodeURIComponent` leaves ' ( ) * ! ~ as they are, so the password may hold them).
const URL_IN_TEXT =
  /([a-z][a-z0-9+.-]*)?:\/\/([^\s:@/"'`<>]*)(?::([^\s"`<>]*))?@(?=[^\s"'`<>@]*(?:[\s"'`<>]|$))/gi;
// The whole of a URL, for outputs that show none (health bodies).
const WHOLE_URL = /[a-z][a-z0-9+.-]*:\/\/[^\s"'`<>]*/gi;
// The keys that name a password: libpq's `password` and `sslpassword`, `PGPASSWORD`/`DB_PASSWORD`-style names,
// and the short forms drivers and tools use.
const KEY = String.raw`\b(?:\w*password|\w*passwd|pwd|pass)`;
// In a URL query (`?password=…&`) the value is percent-encoded and runs to the next '&' or '#'.
const QUERY_PASSWORD = new RegExp(String.raw`([?&]${KEY}=)[^&#\s]*`, 'gi');
// Elsewhere a value is a quoted string (libpq '…' with \' escapes, JSON "…" with \" escapes) or runs to white
// space (a conninfo value may hold '&', ';' or ')'), less the punctuation that closes prose around it
// (`(password=x).`); the key may be quoted itself (JSON `"password": …`).
const PASSWORD_SETTING = new RegExp(
  String.raw`((?<![?&])${KEY}["']?\s*[=:]\s*)(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\S*?(?=[),;.]*(?:\s|$)))`,
  'gi',
);
// `Authorization: Bearer <token>` / `Basic <credentials>` (RFC 6750 / 7617 token68 characters).
const AUTH_SCHEME = /\b([Bb]earer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/g;

/**
 * Hide credentials in a connection string. Keeps the user, host, port and database so operators can still tell
 * nodes apart. Accepts anything: a non-URL string is returned with any embedded URLs redacted.
 */
export function redactUrl(url: string): string {
  return redactText(url);
}

/**
 * Redact every credential found anywhere in a piece of text: URL passwords, `password=` settings (conninfo, URL
 * queries, JSON, YAML-ish `password: …`) and bearer or basic authorization values.
 */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (_m, scheme: string | undefined, user: string, pass: string | undefined) =>
      pass === undefined ? `${scheme ?? ''}://${user}@` : `${scheme ?? ''}://${user}:***@`,
    )
    .replace(QUERY_PASSWORD, '$1***')
    .replace(PASSWORD_SETTING, (_m, key: string, doubleQuoted?: string, singleQuoted?: string) => {
      if (doubleQuoted !== undefined) return `${key}"***"`;
      return singleQuoted !== undefined ? `${key}'***'` : `${key}***`;
    })
    .replace(AUTH_SCHEME, '$1$2***');
}

/** {@link redactText}, then every URL replaced by `[url]`: for outputs that must not even show hosts. */
export function redactUrls(text: string): string {
  return redactText(text).replace(WHOLE_URL, '[url]');
}

/** Redact a set of known secrets (exact strings) and every URL-shaped credential in a text. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return redactText(out);
}
