// The signed-in user: a bearer token pasted on the sign-in page, kept in sessionStorage (gone when
// the tab closes). The payload is only decoded, never verified: the API verifies every request, and
// the roles read here only decide which controls to show.

const key = 'claimsledger.token';
const writers = ['recorder', 'editor', 'admin'];

export function token() {
  return sessionStorage.getItem(key);
}

export function signIn(raw) {
  const value = raw.trim().replace(/^Bearer\s+/i, '');
  const claims = decode(value);
  if (!claims) throw new Error('That is not a JSON Web Token (three base64url parts separated by dots).');
  if (claims.exp && claims.exp * 1000 < Date.now()) throw new Error('That token has expired.');
  sessionStorage.setItem(key, value);
  return user();
}

export function signOut() {
  sessionStorage.removeItem(key);
}

/** { name, roles, canRecord, canEdit, canAudit } for the stored token, or null. */
export function user() {
  const value = token();
  const claims = value ? decode(value) : null;
  if (!claims) return null;
  const roles = [claims.role ?? []].flat().map(String);
  const has = (...wanted) => roles.some(role => wanted.includes(role));
  return {
    name: String(claims.name ?? claims.sub ?? 'signed in'),
    roles,
    canRecord: has(...writers),
    canEdit: has('editor', 'admin'),
    canAudit: has('auditor', 'admin'),
  };
}

function decode(value) {
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), c => c.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}
