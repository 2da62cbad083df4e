// aws-jwt-verify, AWS's own JWT verifier for Cognito, checks the reference server's tokens.
//
// Usage: node aws_jwt_verify.js JWKS_URL POOL_ID CLIENT_ID ACCESS_TOKEN ID_TOKEN EXPIRED_ACCESS_TOKEN
// (with NODE_PATH naming the node_modules that holds the pinned package; see package.json).
// The server runs with --issuer-base https://cognito-idp.{region}.amazonaws.com, so the tokens'
// `iss` is the one CognitoJwtVerifier derives from the pool id. That verifier would fetch the
// JWKS from AWS: instead its cache is hydrated with our JWKS (cacheJwks) and verifySync is used,
// which never fetches. A JwtRsaVerifier then fetches our JWKS itself (over plain HTTP, through a
// fetcher of ours: the library's own only speaks HTTPS). Prints one JSON object.
"use strict";

const { CognitoJwtVerifier, JwtRsaVerifier } = require("aws-jwt-verify");
const { SimpleJwksCache } = require("aws-jwt-verify/jwk");

const [jwksUrl, userPoolId, clientId, access, id, expiredAccess] = process.argv.slice(2);

function attempt(fn) {
  try {
    const payload = fn();
    return { ok: true, token_use: payload.token_use, sub: payload.sub };
  } catch (err) {
    return { ok: false, error: err.constructor.name, message: err.message };
  }
}

async function attemptAsync(fn) {
  try {
    const payload = await fn();
    return { ok: true, token_use: payload.token_use, sub: payload.sub };
  } catch (err) {
    return { ok: false, error: err.constructor.name, message: err.message };
  }
}

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token) => token.split(".");
const payloadOf = (token) => JSON.parse(Buffer.from(parts(token)[1], "base64url").toString());
const headerOf = (token) => JSON.parse(Buffer.from(parts(token)[0], "base64url").toString());

/** The token with its payload changed and the signature kept. */
function withPayload(token, change) {
  const [header, , signature] = parts(token);
  return [header, b64url({ ...payloadOf(token), ...change }), signature].join(".");
}

/** The token with one signature byte flipped. */
function withBadSignature(token) {
  const [header, payload, signature] = parts(token);
  const bytes = Buffer.from(signature, "base64url");
  bytes[bytes.length - 1] ^= 0x01;
  return [header, payload, bytes.toString("base64url")].join(".");
}

/** The token's header saying `alg: none` (the signature kept: an empty one does not even parse). */
function unsigned(token) {
  const [, payload, signature] = parts(token);
  return [b64url({ ...headerOf(token), alg: "none" }), payload, signature].join(".");
}

async function main() {
  const response = await fetch(jwksUrl);
  const jwks = await response.json();
  const out = { jwksStatus: response.status, issuer: payloadOf(access).iss };

  const accessVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId });
  const idVerifier = CognitoJwtVerifier.create({ userPoolId, tokenUse: "id", clientId });
  accessVerifier.cacheJwks(jwks);
  idVerifier.cacheJwks(jwks);

  out.cognito = {
    access: attempt(() => accessVerifier.verifySync(access)),
    id: attempt(() => idVerifier.verifySync(id)),
    // verify() (async) finds the key in the hydrated cache too, without fetching.
    accessAsync: await attemptAsync(() => accessVerifier.verify(access)),
    idAsAccess: attempt(() => accessVerifier.verifySync(id)),
    accessAsId: attempt(() => idVerifier.verifySync(access)),
    otherClient: attempt(() => {
      const other = CognitoJwtVerifier.create({ userPoolId, tokenUse: "access", clientId: "someotherclient" });
      other.cacheJwks(jwks);
      return other.verifySync(access);
    }),
    otherUsername: attempt(() => accessVerifier.verifySync(withPayload(access, { username: "mallory" }))),
    longerLife: attempt(() => idVerifier.verifySync(withPayload(id, { exp: payloadOf(id).exp + 86400 }))),
    badSignature: attempt(() => accessVerifier.verifySync(withBadSignature(access))),
    algNone: attempt(() => accessVerifier.verifySync(unsigned(access))),
    expired: attempt(() => accessVerifier.verifySync(expiredAccess)),
  };

  // The generic RSA verifier, fetching the JWKS from the server by itself.
  let fetches = 0;
  const fetcher = {
    fetch: async (uri) => {
      fetches += 1;
      const res = await fetch(uri);
      if (res.status !== 200) throw new Error(`GET ${uri}: ${res.status}`);
      return res.arrayBuffer();
    },
  };
  const rsa = JwtRsaVerifier.create(
    { issuer: payloadOf(access).iss, jwksUri: jwksUrl, audience: null },
    { jwksCache: new SimpleJwksCache({ fetcher }) },
  );
  out.rsa = {
    access: await attemptAsync(() => rsa.verify(access, { audience: null, customJwtCheck: ({ payload }) => {
      if (payload.client_id !== clientId) throw new Error("client_id");
    } })),
    id: await attemptAsync(() => rsa.verify(id, { audience: clientId })),
    tampered: await attemptAsync(() => rsa.verify(withPayload(id, { email: "mallory@example.com" }), { audience: clientId })),
  };
  out.rsa.fetches = fetches;
  return out;
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
