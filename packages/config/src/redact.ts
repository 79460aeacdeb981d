// scheme://user:password@host — the password runs to the LAST '@' of the URL (unencoded '@' in passwords happen).
const URL_IN_TEXT =
  /([a-z][a-z0-9+.-]*)?:\/\/([^\s:@/"'`<>]*)(?::([^\s"'`<>]*))?@(?=[^\s"'`<>@]*(?:[\s"'`<>]|$))/gi;
const PASSWORD_PARAM = /(\b(?:password|sslpassword|pass|pwd)\s*[=:]\s*)("[^"]*"|'[^']*'|[^&\s)"',;]*)/gi;

/**
 * Hide credentials in a connection string. Keeps the user, host, port and database so operators can still tell
 * nodes apart. Accepts anything: a non-URL string is returned with any embedded URLs redacted.
 */
export function redactUrl(url: string): string {
  return redactText(url);
}

/** Redact every connection string (and `password=` parameter) found anywhere in a piece of text. */
export function redactText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (_m, scheme: string | undefined, user: string, pass: string | undefined) =>
      pass === undefined ? `${scheme ?? ''}://${user}@` : `${scheme ?? ''}://${user}:***@`,
    )
    .replace(PASSWORD_PARAM, '$1***');
}

/** Redact a set of known secrets (exact strings) and every URL-shaped credential in a text. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 3) out = out.split(secret).join('***');
  }
  return redactText(out);
}
