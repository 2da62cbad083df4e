//! DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse.
