/**
 * Any C0 control character or DEL. URL parsers silently drop tabs and newlines, so `/\t/evil.example`
 * would become `//evil.example`; a newline in a Location header is a 500.
 */
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
/** A placeholder origin to resolve against: whatever leaves it is another site. */
const HOME = new URL('http://handoff.invalid');

const staysHome = (path: string) => new URL(path, HOME).origin === HOME.origin;

/**
 * Where to go after sign-in: `next` as a path on this origin, or `/` when it is missing, malformed or
 * leads anywhere else. Used by the server redirect and by the browser after signing in.
 */
export function safeNextPath(next: unknown): string {
  if (typeof next !== 'string' || !next.startsWith('/') || next.includes('\\') || CONTROL_CHARACTER.test(next)) {
    return '/';
  }
  try {
    if (!staysHome(next)) return '/';
    const url = new URL(next, HOME);
    const path = `${url.pathname}${url.search}${url.hash}`;
    // Normalising can turn `/.//evil.example` into `//evil.example`, which a browser reads as another host.
    return staysHome(path) && !path.startsWith('//') ? path : '/';
  } catch {
    return '/';
  }
}
