// RFC 9162 (RFC 6962) inclusion-proof check, in the browser with WebCrypto: recompute the tree root
// from an event's leaf hash and its audit path, and compare it with a signed checkpoint's root. The
// server is not trusted to say "included": the browser does the arithmetic. (The checkpoint's
// signature and the leaf's bytes are checked offline by `verify-proof`.)

const fromBase64 = text => Uint8Array.from(atob(text), c => c.charCodeAt(0));

async function nodeHash(left, right) {
  const bytes = new Uint8Array(1 + left.length + right.length);
  bytes[0] = 0x01;
  bytes.set(left, 1);
  bytes.set(right, 1 + left.length);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

const equal = (a, b) => a.length === b.length && a.every((value, index) => value === b[index]);

/** True when `proof` (from GET /api/ledger/proofs/inclusion) leads to `rootBase64`. */
export async function verifyInclusion(proof, rootBase64) {
  let fn = BigInt(proof.leafIndex);
  let sn = BigInt(proof.treeSize) - 1n;
  let r = fromBase64(proof.leafHash);
  for (const step of proof.proof) {
    if (sn === 0n) return false;
    const p = fromBase64(step);
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equal(r, fromBase64(rootBase64));
}
