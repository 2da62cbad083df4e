// amazon-cognito-identity-js signs in with CUSTOM_AUTH against the reference server, whose pool's
// custom authentication triggers are the test's functions: each challenge's public parameters
// carry `question` qN, whose answer is aN.
//
// Usage: node cognito_identity_js_custom_auth.js ENDPOINT_URL POOL_ID CLIENT_ID USERNAME PASSWORD
// (with NODE_PATH naming the node_modules that holds the pinned package; see package.json).
//
// 1. Custom challenges only: CognitoUser.initiateAuth (InitiateAuth CUSTOM_AUTH), the
//    customChallenge callback for each challenge, sendCustomChallengeAnswer (a wrong answer
//    first, with ClientMetadata, then right ones) until onSuccess.
// 2. The password first: authenticateUser with the CUSTOM_AUTH flow type (SRP_A with
//    CHALLENGE_NAME SRP_A, then the library's PASSWORD_VERIFIER proof), then a custom challenge.
// 3. Wrong answers until the functions fail the sign-in.
// Prints one JSON object: the challenges seen, the tokens' payloads, the errors.
"use strict";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

const [endpoint, userPoolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });

function errorOf(err) {
  return { code: err.code, name: err.name, message: err.message };
}

function sessionOf(session) {
  return {
    valid: session.isValid(),
    accessToken: session.getAccessToken().getJwtToken(),
    idPayload: session.getIdToken().decodePayload(),
  };
}

// Runs a sign-in to its end: `start(user, callbacks)` begins it, `answer(parameters, round)`
// gives the answer to each custom challenge (with the ClientMetadata to send, if any).
function signIn(start, answer) {
  const user = new CognitoUser({ Username: username, Pool: pool });
  const challenges = [];
  return new Promise((resolve) => {
    const callbacks = {
      onSuccess: (session) => resolve({ challenges, session: sessionOf(session), flow: user.getAuthenticationFlowType() }),
      onFailure: (err) => resolve({ challenges, error: errorOf(err) }),
      customChallenge: (parameters) => {
        challenges.push(parameters);
        const [reply, metadata] = answer(parameters, challenges.length - 1);
        user.sendCustomChallengeAnswer(reply, callbacks, metadata);
      },
    };
    start(user, callbacks);
  });
}

const right = (parameters) => parameters.question.replace("q", "a");

async function main() {
  const out = {};
  out.customOnly = await signIn(
    (user, callbacks) => {
      user.setAuthenticationFlowType("CUSTOM_AUTH");
      user.initiateAuth(new AuthenticationDetails({ Username: username, AuthParameters: {} }), callbacks);
    },
    (parameters, round) => (round === 1 ? ["nope", { attempt: "second" }] : [right(parameters), undefined]),
  );
  out.passwordFirst = await signIn(
    (user, callbacks) => {
      user.setAuthenticationFlowType("CUSTOM_AUTH");
      user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), callbacks);
    },
    (parameters) => [right(parameters), undefined],
  );
  out.allWrong = await signIn(
    (user, callbacks) => {
      user.setAuthenticationFlowType("CUSTOM_AUTH");
      user.initiateAuth(new AuthenticationDetails({ Username: username, AuthParameters: {} }), callbacks);
    },
    () => ["nope", undefined],
  );
  return out;
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
