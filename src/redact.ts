/**
 * Secrets out of text bound for a log line, a health report or a terminal (issue 11: one
 * helper where the health check, the database errors, the local stack and the benchmark each
 * had their own regular expression or `new URL` dance).
 *
 * What is masked, with `***`:
 * - a URL's userinfo: everything between `scheme://` and the last `@` of the URL, user name
 *   included (a token is often the user name alone: `https://<token>@host`). Up to the *last*
 *   `@` because a password with an unencoded `@` (`postgres://u:p@ss@host`) is read so by URL
 *   parsers too, and because failing closed is the point: a path holding an `@` is masked as
 *   well, which costs a log line some detail where the alternative is a leaked password;
 * - the value of a query or keyword parameter whose name says secret (`password=`, `token=`,
 *   `_token=`, `access_token=`, `client_secret=`, `api_key=`…), in a URL or in a libpq-style
 *   `host=… password=…` string;
 * - a bearer token (`Bearer eyJ…`).
 * It works on the text, not on a parsed URL: an error message quotes a URL it could not parse.
 */
const MASK = "***";

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A URL inside free text: from its scheme to the next whitespace, quote, angle bracket or
 * backtick. Those characters are percent-encoded inside a well-formed URL's userinfo, so they
 * end the URL; `'` is not, so it stays inside.
 */
const URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"<>`]+/gi;

/** `name=value` where the name says secret; the value runs to `&`, `;`, `#`, whitespace, or is 'quoted'. */
const SECRET_PARAMETER =
  /(^|[?&;\s])([\w.-]*(?:password|passwd|pwd|token|secret|api[-_]?key|signature)[\w.-]*)=('(?:[^'\\]|\\.)*'|[^&;#\s"]+)/gi;

const BEARER = /\b(Bearer\s+)[\w.~+/=-]+/gi;

/** A connection string or URL with its credentials masked, e.g. for a startup banner. */
export function redactUrl(url: string): string {
  return maskParameters(maskUserinfo(url));
}

/** Free text (an error message, a log line) with every credential it quotes masked. */
export function redactSecrets(text: string): string {
  return maskParameters(text.replace(URL_IN_TEXT, maskUserinfo)).replace(BEARER, `$1${MASK}`);
}

function maskUserinfo(url: string): string {
  const scheme = SCHEME.exec(url)?.[0];
  if (!scheme) return url;
  const at = url.lastIndexOf("@");
  return at < scheme.length ? url : `${scheme}${MASK}${url.slice(at)}`;
}

function maskParameters(text: string): string {
  return text.replace(SECRET_PARAMETER, (_, before: string, name: string) => `${before}${name}=${MASK}`);
}
