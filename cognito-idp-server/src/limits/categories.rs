//! AWS's API categories of request rate quotas: their default (free) rates, which may be
//! raised, and which category each operation counts against.
//!
//! The categories, their default rates and whether they are adjustable are those of AWS's
//! developer guide ("Quotas in Amazon Cognito", the table of category operations), plus
//! `ClientAuthentication` (the `client_credentials` grant, 150 requests per second, not
//! adjustable). The guide lists each category's operations on its web page only; the
//! assignment below follows the categories' descriptions there ("Operations that authenticate
//! (sign-in) a user", "Operations that create or confirm a native Amazon Cognito user",
//! "Operations that recover a user's account or change or update a user's password", "...
//! retrieve a user", "... manage users and user attributes", "... retrieve user resource
//! information ... such as device or group", "... update user resource information, such as
//! group", "... return a list of users", "... read your user pools", "... create, update, and
//! delete your user pools", "... retrieve a resource from a user pool, such as group",
//! "... update resource information for a user pool", "... list your user pool clients",
//! "... create, update, and delete your user pool clients", "... create, update, and delete
//! your tokens"). Operations in none of them (`GetProvisionedLimit`, `UpdateProvisionedLimit`)
//! are not limited.

/// A category: its name, its default rate (requests per second), and whether
/// `UpdateProvisionedLimit` may raise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// The `Category` attribute's value (`UserAuthentication`).
    pub name: &'static str,
    /// The default, free rate.
    pub free: i32,
    /// Whether a higher rate may be provisioned.
    pub adjustable: bool,
}

const fn category(name: &'static str, free: i32, adjustable: bool) -> Category {
    Category { name, free, adjustable }
}

/// Every category.
pub const CATEGORIES: [Category; 17] = [
    category("UserAuthentication", 120, true),
    category("UserCreation", 50, true),
    category("UserFederation", 25, true),
    category("UserAccountRecovery", 30, false),
    category("UserRead", 120, true),
    category("UserUpdate", 25, false),
    category("UserResourceRead", 50, true),
    category("UserResourceUpdate", 25, false),
    category("UserList", 30, false),
    category("UserPoolRead", 15, false),
    category("UserPoolUpdate", 15, false),
    category("UserPoolResourceRead", 20, false),
    category("UserPoolResourceUpdate", 15, false),
    category("UserPoolClientRead", 15, false),
    category("UserPoolClientUpdate", 15, false),
    category("UserToken", 120, false),
    category("ClientAuthentication", 150, false),
];

/// The category named `name`.
pub fn named(name: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.name == name)
}

/// Whether an operation is one of the `RespondToAuthChallenge` pair, which AWS counts against
/// a separate rate of three times the `UserAuthentication` rate, the excess against the category
/// itself (the guide's "Operation special handling").
pub fn is_challenge_response(operation: &str) -> bool {
    matches!(operation, "RespondToAuthChallenge" | "AdminRespondToAuthChallenge")
}

/// The category `operation` (its wire name) counts against.
pub fn of(operation: &str) -> Option<&'static str> {
    let name = match operation {
        "InitiateAuth" | "AdminInitiateAuth" | "RespondToAuthChallenge" | "AdminRespondToAuthChallenge" => {
            "UserAuthentication"
        }
        "SignUp" | "ConfirmSignUp" | "AdminCreateUser" | "AdminConfirmSignUp" | "ResendConfirmationCode" => {
            "UserCreation"
        }
        "ForgotPassword"
        | "ConfirmForgotPassword"
        | "ChangePassword"
        | "AdminResetUserPassword"
        | "AdminSetUserPassword" => "UserAccountRecovery",
        "AdminGetUser" | "GetUser" | "GetUserAuthFactors" | "AdminListUserAuthEvents" => "UserRead",
        "AdminUpdateUserAttributes"
        | "UpdateUserAttributes"
        | "AdminDeleteUserAttributes"
        | "DeleteUserAttributes"
        | "AdminDeleteUser"
        | "DeleteUser"
        | "AdminDisableUser"
        | "AdminEnableUser"
        | "AdminSetUserMFAPreference"
        | "SetUserMFAPreference"
        | "AdminSetUserSettings"
        | "SetUserSettings"
        | "GetUserAttributeVerificationCode"
        | "VerifyUserAttribute"
        | "AssociateSoftwareToken"
        | "VerifySoftwareToken"
        | "AdminLinkProviderForUser"
        | "AdminDisableProviderForUser"
        | "AdminUpdateAuthEventFeedback"
        | "UpdateAuthEventFeedback"
        | "StartWebAuthnRegistration"
        | "CompleteWebAuthnRegistration"
        | "DeleteWebAuthnCredential" => "UserUpdate",
        "AdminGetDevice"
        | "GetDevice"
        | "AdminListDevices"
        | "ListDevices"
        | "AdminListGroupsForUser"
        | "ListWebAuthnCredentials" => "UserResourceRead",
        "AdminAddUserToGroup"
        | "AdminRemoveUserFromGroup"
        | "AdminForgetDevice"
        | "ForgetDevice"
        | "ConfirmDevice"
        | "AdminUpdateDeviceStatus"
        | "UpdateDeviceStatus" => "UserResourceUpdate",
        "ListUsers" | "ListUsersInGroup" => "UserList",
        "DescribeUserPool"
        | "ListUserPools"
        | "GetUserPoolMfaConfig"
        | "DescribeRiskConfiguration"
        | "GetCSVHeader"
        | "DescribeUserImportJob"
        | "ListUserImportJobs"
        | "ListTagsForResource"
        | "GetSigningCertificate"
        | "GetLogDeliveryConfiguration"
        | "DescribeUserPoolDomain"
        | "GetUICustomization" => "UserPoolRead",
        "CreateUserPool"
        | "UpdateUserPool"
        | "DeleteUserPool"
        | "AddCustomAttributes"
        | "SetUserPoolMfaConfig"
        | "SetRiskConfiguration"
        | "CreateUserImportJob"
        | "StartUserImportJob"
        | "StopUserImportJob"
        | "TagResource"
        | "UntagResource"
        | "SetLogDeliveryConfiguration"
        | "CreateUserPoolDomain"
        | "UpdateUserPoolDomain"
        | "DeleteUserPoolDomain"
        | "SetUICustomization" => "UserPoolUpdate",
        "GetGroup"
        | "ListGroups"
        | "DescribeResourceServer"
        | "ListResourceServers"
        | "DescribeIdentityProvider"
        | "GetIdentityProviderByIdentifier"
        | "ListIdentityProviders"
        | "DescribeManagedLoginBranding"
        | "DescribeManagedLoginBrandingByClient"
        | "DescribeTerms"
        | "DescribeTermsByClient"
        | "ListTerms" => "UserPoolResourceRead",
        "CreateGroup"
        | "UpdateGroup"
        | "DeleteGroup"
        | "CreateResourceServer"
        | "UpdateResourceServer"
        | "DeleteResourceServer"
        | "CreateIdentityProvider"
        | "UpdateIdentityProvider"
        | "DeleteIdentityProvider"
        | "CreateManagedLoginBranding"
        | "UpdateManagedLoginBranding"
        | "DeleteManagedLoginBranding"
        | "CreateTerms"
        | "UpdateTerms"
        | "DeleteTerms" => "UserPoolResourceUpdate",
        "DescribeUserPoolClient" | "ListUserPoolClients" | "ListUserPoolClientSecrets" => "UserPoolClientRead",
        "CreateUserPoolClient"
        | "UpdateUserPoolClient"
        | "DeleteUserPoolClient"
        | "AddUserPoolClientSecret"
        | "DeleteUserPoolClientSecret" => "UserPoolClientUpdate",
        "GetTokensFromRefreshToken"
        | "RevokeToken"
        | "GlobalSignOut"
        | "AdminUserGlobalSignOut"
        | "GetDerivedToken" => "UserToken",
        "GetClientToken" => "ClientAuthentication",
        _ => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_an_operation_names_exists() {
        for operation in ["InitiateAuth", "SignUp", "ListUsers", "DescribeUserPool", "GetClientToken", "RevokeToken"] {
            assert!(of(operation).and_then(named).is_some(), "{operation}");
        }
        assert_eq!(of("GetProvisionedLimit"), None);
        assert_eq!(named("UserCreation").map(|c| c.free), Some(50));
    }
}
