// amazon-cognito-identity-js signs in against the reference server, as a browser or Node app does.
//
// Usage: node cognito_identity_js.js ENDPOINT_URL POOL_ID CLIENT_ID USERNAME PASSWORD WRONG_PASSWORD
// (with NODE_PATH naming the node_modules that holds the pinned package; see package.json).
// CognitoUser.authenticateUser runs USER_SRP_AUTH: InitiateAuth, then RespondToAuthChallenge
// with the library's own SRP-6a proof (PASSWORD_VERIFIER). Then GetUser through
// getUserAttributes and REFRESH_TOKEN_AUTH through refreshSession, and a sign-in with the wrong
// password. Prints one JSON object; the tokens are in it for the test to check on its side.
"use strict";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

const [endpoint, userPoolId, clientId, username, password, wrongPassword] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });

function errorOf(err) {
  return { code: err.code, name: err.name, message: err.message };
}

function tokensOf(session) {
  return {
    valid: session.isValid(),
    idToken: session.getIdToken().getJwtToken(),
    accessToken: session.getAccessToken().getJwtToken(),
    refreshToken: session.getRefreshToken().getToken(),
    idPayload: session.getIdToken().decodePayload(),
    accessPayload: session.getAccessToken().decodePayload(),
  };
}

function signIn(user, secret) {
  const details = new AuthenticationDetails({ Username: username, Password: secret });
  return new Promise((resolve) => {
    const unexpected = (name) => () => resolve({ challenge: name });
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ session }),
      onFailure: (err) => resolve({ error: errorOf(err) }),
      newPasswordRequired: unexpected("NEW_PASSWORD_REQUIRED"),
      mfaRequired: unexpected("SMS_MFA"),
      totpRequired: unexpected("SOFTWARE_TOKEN_MFA"),
      mfaSetup: unexpected("MFA_SETUP"),
      selectMFAType: unexpected("SELECT_MFA_TYPE"),
      customChallenge: unexpected("CUSTOM_CHALLENGE"),
    });
  });
}

function call(fn) {
  return new Promise((resolve) => fn((err, result) => resolve(err ? { error: errorOf(err) } : { result })));
}

async function main() {
  const out = {};
  const user = new CognitoUser({ Username: username, Pool: pool });
  const signedIn = await signIn(user, password);
  if (!signedIn.session) {
    out.signIn = signedIn;
    return out;
  }
  out.signIn = tokensOf(signedIn.session);
  out.authenticationFlowType = user.getAuthenticationFlowType();

  const attributes = await call((cb) => user.getUserAttributes(cb));
  out.getUserAttributes = attributes.error || Object.fromEntries(attributes.result.map((a) => [a.getName(), a.getValue()]));

  const refreshed = await call((cb) => user.refreshSession(signedIn.session.getRefreshToken(), cb));
  out.refresh = refreshed.error || tokensOf(refreshed.result);

  const other = new CognitoUser({ Username: username, Pool: pool });
  const wrong = await signIn(other, wrongPassword);
  out.wrongPassword = wrong.error || { unexpected: wrong.challenge || "tokens" };
  return out;
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
