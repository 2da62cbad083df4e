// Trigger functions for tests/triggers_runtime.rs, run by serverless-offline as Lambda would
// run them: each gets Cognito's event and returns it with its answer.

exports.preSignUp = async (event) => {
  const email = event.request.userAttributes.email || "";
  if (!email.endsWith("@example.com")) {
    throw new Error("Only example.com addresses may sign up");
  }
  event.response.autoConfirmUser = true;
  event.response.autoVerifyEmail = true;
  return event;
};
