// amazon-cognito-identity-js remembers a device against the reference server, as a browser or
// Node app does once the pool tracks devices.
//
// Usage: node cognito_identity_js_devices.js ENDPOINT_URL POOL_ID CLIENT_ID USERNAME PASSWORD
// (with NODE_PATH naming the node_modules that holds the pinned package; see package.json).
// The pool requires SMS MFA and remembers devices on the user's say; the script reads the codes
// the server "sent" from its /_local/outbox. The first sign-in answers SMS_MFA, after which the
// library confirms the new device itself (ConfirmDevice with its SRP verifier) and reports that
// the user must be asked; the script says yes (setDeviceStatusRemembered) and lists the devices.
// A second sign-in, with the device key the library cached, goes through DEVICE_SRP_AUTH and
// DEVICE_PASSWORD_VERIFIER and must not be asked for MFA. Then forgetDevice, and a third sign-in
// must be asked for MFA again. Prints one JSON object.
"use strict";

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require("amazon-cognito-identity-js");

const [endpoint, userPoolId, clientId, username, password] = process.argv.slice(2);
const pool = new CognitoUserPool({ UserPoolId: userPoolId, ClientId: clientId, endpoint });

function errorOf(err) {
  return { code: err.code, name: err.name, message: err.message };
}

async function latestSmsCode() {
  const query = new URLSearchParams({ userPoolId, username });
  const response = await fetch(`${endpoint}/_local/outbox?${query}`);
  const messages = (await response.json()).messages.filter((m) => m.kind === "SMS_MFA");
  return messages[messages.length - 1].code;
}

// Signs in; answers SMS_MFA from the outbox when asked (and says so in `mfa`).
function signIn(user) {
  const details = new AuthenticationDetails({ Username: username, Password: password });
  return new Promise((resolve) => {
    const unexpected = (name) => () => resolve({ challenge: name });
    const callbacks = {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
      onFailure: (err) => resolve({ error: errorOf(err) }),
      newPasswordRequired: unexpected("NEW_PASSWORD_REQUIRED"),
      totpRequired: unexpected("SOFTWARE_TOKEN_MFA"),
      mfaSetup: unexpected("MFA_SETUP"),
      selectMFAType: unexpected("SELECT_MFA_TYPE"),
      customChallenge: unexpected("CUSTOM_CHALLENGE"),
    };
    callbacks.mfaRequired = () => {
      latestSmsCode().then((code) =>
        user.sendMFACode(code, {
          onSuccess: (session, userConfirmationNecessary) =>
            resolve({ session, userConfirmationNecessary, mfa: true }),
          onFailure: (err) => resolve({ error: errorOf(err), mfa: true }),
        }),
      );
    };
    user.authenticateUser(details, callbacks);
  });
}

function summary(signedIn) {
  if (!signedIn.session) return signedIn;
  return {
    mfa: signedIn.mfa === true,
    userConfirmationNecessary: signedIn.userConfirmationNecessary === true,
    deviceKey: signedIn.session.getAccessToken().decodePayload().device_key,
    valid: signedIn.session.isValid(),
  };
}

function callbacks(resolve) {
  return { onSuccess: (result) => resolve({ result }), onFailure: (err) => resolve({ error: errorOf(err) }) };
}

async function main() {
  const out = {};
  const first = new CognitoUser({ Username: username, Pool: pool });
  const signedIn = await signIn(first);
  out.first = summary(signedIn);
  if (!signedIn.session) return out;

  out.remember = await new Promise((resolve) => first.setDeviceStatusRemembered(callbacks(resolve)));
  const listed = await new Promise((resolve) => first.listDevices(60, null, callbacks(resolve)));
  out.devices = listed.error || listed.result.Devices;

  const second = new CognitoUser({ Username: username, Pool: pool });
  const again = await signIn(second);
  out.second = summary(again);
  if (!again.session) return out;
  const refreshed = await new Promise((resolve) =>
    second.refreshSession(again.session.getRefreshToken(), (err, session) =>
      resolve(err ? { error: errorOf(err) } : { valid: session.isValid() }),
    ),
  );
  out.refresh = refreshed;

  out.forget = await new Promise((resolve) => second.forgetDevice(callbacks(resolve)));
  const afterForget = await new Promise((resolve) => second.listDevices(60, null, callbacks(resolve)));
  out.devicesAfterForget = afterForget.error || afterForget.result.Devices;

  const third = new CognitoUser({ Username: username, Pool: pool });
  out.third = summary(await signIn(third));
  return out;
}

main().then(
  (out) => console.log(JSON.stringify(out)),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
