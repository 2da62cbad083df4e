//! The reference implementation of the generated `CognitoIdp` trait: each method is one line
//! that hands the input to its handler and turns the handler's [`ApiError`] into the
//! operation's error enum.

use cognito_idp::CognitoIdp;
use cognito_idp::Empty;
use cognito_idp::operation::*;
use cognito_idp::server::RequestContext;
use cognito_idp::types::*;

use crate::errors::ApiError;
use crate::handlers::{
    client_secrets, client_tokens, clients, derived_tokens, devices, domains, groups, pools, recovery,
    resource_servers, self_service, signup, tags, users,
};
use crate::request_region::{self, RequestRegion};
pub use crate::state::{Cognito, Settings};
use crate::store::Store;

/// Implements the trait's methods from a table: method, input, output, error, handler. The
/// handlers after `@with_context` also take the request's context (for its source address).
macro_rules! operations {
    (
        $($method:ident($input:ty) -> $output:ty, $error:ty => $handler:path;)*
        @with_context
        $($c_method:ident($c_input:ty) -> $c_output:ty, $c_error:ty => $c_handler:path;)*
    ) => {
        impl<S: Store> CognitoIdp for Cognito<S> {
            $(
                fn $method(
                    &self,
                    ctx: RequestContext,
                    input: $input,
                ) -> impl ::std::future::Future<Output = Result<$output, $error>> + Send {
                    async move {
                        // Past its category's rate, when limits are enforced (`crate::limits`).
                        self.limits.admit(ctx.operation).map_err(ApiError::into_op)?;
                        let request = RequestRegion { region: request_region::of(&ctx.headers), operation: ctx.operation };
                        request_region::scope(request, $handler(self, input)).await.map_err(ApiError::into_op)
                    }
                }
            )*
            $(
                fn $c_method(
                    &self,
                    ctx: RequestContext,
                    input: $c_input,
                ) -> impl ::std::future::Future<Output = Result<$c_output, $c_error>> + Send {
                    async move {
                        self.limits.admit(ctx.operation).map_err(ApiError::into_op)?;
                        let request = RequestRegion { region: request_region::of(&ctx.headers), operation: ctx.operation };
                        request_region::scope(request, $c_handler(self, ctx, input)).await.map_err(ApiError::into_op)
                    }
                }
            )*
        }
    };
}

operations! {
    // user pools
    create_user_pool(CreateUserPoolRequest) -> CreateUserPoolResponse, CreateUserPoolError => pools::create_user_pool;
    describe_user_pool(DescribeUserPoolRequest) -> DescribeUserPoolResponse, DescribeUserPoolError => pools::describe_user_pool;
    update_user_pool(UpdateUserPoolRequest) -> UpdateUserPoolResponse, UpdateUserPoolError => pools::update_user_pool;
    delete_user_pool(DeleteUserPoolRequest) -> Empty, DeleteUserPoolError => pools::delete_user_pool;
    list_user_pools(ListUserPoolsRequest) -> ListUserPoolsResponse, ListUserPoolsError => pools::list_user_pools;
    add_custom_attributes(AddCustomAttributesRequest) -> AddCustomAttributesResponse, AddCustomAttributesError => pools::add_custom_attributes;
    // tags
    tag_resource(TagResourceRequest) -> TagResourceResponse, TagResourceError => tags::tag_resource;
    untag_resource(UntagResourceRequest) -> UntagResourceResponse, UntagResourceError => tags::untag_resource;
    list_tags_for_resource(ListTagsForResourceRequest) -> ListTagsForResourceResponse, ListTagsForResourceError => tags::list_tags_for_resource;
    // app clients
    create_user_pool_client(CreateUserPoolClientRequest) -> CreateUserPoolClientResponse, CreateUserPoolClientError => clients::create_user_pool_client;
    describe_user_pool_client(DescribeUserPoolClientRequest) -> DescribeUserPoolClientResponse, DescribeUserPoolClientError => clients::describe_user_pool_client;
    update_user_pool_client(UpdateUserPoolClientRequest) -> UpdateUserPoolClientResponse, UpdateUserPoolClientError => clients::update_user_pool_client;
    delete_user_pool_client(DeleteUserPoolClientRequest) -> Empty, DeleteUserPoolClientError => clients::delete_user_pool_client;
    list_user_pool_clients(ListUserPoolClientsRequest) -> ListUserPoolClientsResponse, ListUserPoolClientsError => clients::list_user_pool_clients;
    // app client secrets
    add_user_pool_client_secret(AddUserPoolClientSecretRequest) -> AddUserPoolClientSecretResponse, AddUserPoolClientSecretError => client_secrets::add_user_pool_client_secret;
    list_user_pool_client_secrets(ListUserPoolClientSecretsRequest) -> ListUserPoolClientSecretsResponse, ListUserPoolClientSecretsError => client_secrets::list_user_pool_client_secrets;
    delete_user_pool_client_secret(DeleteUserPoolClientSecretRequest) -> DeleteUserPoolClientSecretResponse, DeleteUserPoolClientSecretError => client_secrets::delete_user_pool_client_secret;
    // machine-to-machine tokens
    get_client_token(GetClientTokenRequest) -> GetClientTokenResponse, GetClientTokenError => client_tokens::get_client_token;
    // token exchange
    get_derived_token(GetDerivedTokenRequest) -> GetDerivedTokenResponse, GetDerivedTokenError => derived_tokens::get_derived_token;
    // users
    admin_create_user(AdminCreateUserRequest) -> AdminCreateUserResponse, AdminCreateUserError => users::admin_create_user;
    admin_get_user(AdminGetUserRequest) -> AdminGetUserResponse, AdminGetUserError => users::admin_get_user;
    admin_update_user_attributes(AdminUpdateUserAttributesRequest) -> AdminUpdateUserAttributesResponse, AdminUpdateUserAttributesError => users::admin_update_user_attributes;
    admin_delete_user_attributes(AdminDeleteUserAttributesRequest) -> AdminDeleteUserAttributesResponse, AdminDeleteUserAttributesError => users::admin_delete_user_attributes;
    admin_disable_user(AdminDisableUserRequest) -> AdminDisableUserResponse, AdminDisableUserError => users::admin_disable_user;
    admin_enable_user(AdminEnableUserRequest) -> AdminEnableUserResponse, AdminEnableUserError => users::admin_enable_user;
    admin_delete_user(AdminDeleteUserRequest) -> Empty, AdminDeleteUserError => users::admin_delete_user;
    admin_set_user_password(AdminSetUserPasswordRequest) -> AdminSetUserPasswordResponse, AdminSetUserPasswordError => users::admin_set_user_password;
    admin_reset_user_password(AdminResetUserPasswordRequest) -> AdminResetUserPasswordResponse, AdminResetUserPasswordError => users::admin_reset_user_password;
    admin_confirm_sign_up(AdminConfirmSignUpRequest) -> AdminConfirmSignUpResponse, AdminConfirmSignUpError => users::admin_confirm_sign_up;
    list_users(ListUsersRequest) -> ListUsersResponse, ListUsersError => users::list_users;
    // groups
    create_group(CreateGroupRequest) -> CreateGroupResponse, CreateGroupError => groups::create_group;
    get_group(GetGroupRequest) -> GetGroupResponse, GetGroupError => groups::get_group;
    update_group(UpdateGroupRequest) -> UpdateGroupResponse, UpdateGroupError => groups::update_group;
    delete_group(DeleteGroupRequest) -> Empty, DeleteGroupError => groups::delete_group;
    list_groups(ListGroupsRequest) -> ListGroupsResponse, ListGroupsError => groups::list_groups;
    admin_add_user_to_group(AdminAddUserToGroupRequest) -> Empty, AdminAddUserToGroupError => groups::admin_add_user_to_group;
    admin_remove_user_from_group(AdminRemoveUserFromGroupRequest) -> Empty, AdminRemoveUserFromGroupError => groups::admin_remove_user_from_group;
    admin_list_groups_for_user(AdminListGroupsForUserRequest) -> AdminListGroupsForUserResponse, AdminListGroupsForUserError => groups::admin_list_groups_for_user;
    list_users_in_group(ListUsersInGroupRequest) -> ListUsersInGroupResponse, ListUsersInGroupError => groups::list_users_in_group;
    // sign-up
    confirm_sign_up(ConfirmSignUpRequest) -> ConfirmSignUpResponse, ConfirmSignUpError => signup::confirm_sign_up;
    resend_confirmation_code(ResendConfirmationCodeRequest) -> ResendConfirmationCodeResponse, ResendConfirmationCodeError => signup::resend_confirmation_code;
    // MFA
    set_user_pool_mfa_config(SetUserPoolMfaConfigRequest) -> SetUserPoolMfaConfigResponse, SetUserPoolMfaConfigError => crate::handlers::mfa::config::set_user_pool_mfa_config;
    get_user_pool_mfa_config(GetUserPoolMfaConfigRequest) -> GetUserPoolMfaConfigResponse, GetUserPoolMfaConfigError => crate::handlers::mfa::config::get_user_pool_mfa_config;
    associate_software_token(AssociateSoftwareTokenRequest) -> AssociateSoftwareTokenResponse, AssociateSoftwareTokenError => crate::handlers::mfa::software_token::associate_software_token;
    verify_software_token(VerifySoftwareTokenRequest) -> VerifySoftwareTokenResponse, VerifySoftwareTokenError => crate::handlers::mfa::software_token::verify_software_token;
    set_user_mfa_preference(SetUserMfaPreferenceRequest) -> SetUserMfaPreferenceResponse, SetUserMfaPreferenceError => crate::handlers::mfa::preferences::set_user_mfa_preference;
    admin_set_user_mfa_preference(AdminSetUserMfaPreferenceRequest) -> AdminSetUserMfaPreferenceResponse, AdminSetUserMfaPreferenceError => crate::handlers::mfa::preferences::admin_set_user_mfa_preference;
    admin_delete_software_token(AdminDeleteSoftwareTokenRequest) -> AdminDeleteSoftwareTokenResponse, AdminDeleteSoftwareTokenError => crate::handlers::mfa::settings::admin_delete_software_token;
    set_user_settings(SetUserSettingsRequest) -> SetUserSettingsResponse, SetUserSettingsError => crate::handlers::mfa::settings::set_user_settings;
    admin_set_user_settings(AdminSetUserSettingsRequest) -> AdminSetUserSettingsResponse, AdminSetUserSettingsError => crate::handlers::mfa::settings::admin_set_user_settings;
    // authentication factors
    get_user_auth_factors(GetUserAuthFactorsRequest) -> GetUserAuthFactorsResponse, GetUserAuthFactorsError => crate::handlers::auth::factors::get_user_auth_factors;
    admin_get_user_auth_factors(AdminGetUserAuthFactorsRequest) -> AdminGetUserAuthFactorsResponse, AdminGetUserAuthFactorsError => crate::handlers::auth::factors::admin_get_user_auth_factors;
    // self-service
    get_user(GetUserRequest) -> GetUserResponse, GetUserError => self_service::get_user;
    update_user_attributes(UpdateUserAttributesRequest) -> UpdateUserAttributesResponse, UpdateUserAttributesError => self_service::update_user_attributes;
    delete_user_attributes(DeleteUserAttributesRequest) -> DeleteUserAttributesResponse, DeleteUserAttributesError => self_service::delete_user_attributes;
    delete_user(DeleteUserRequest) -> Empty, DeleteUserError => self_service::delete_user;
    get_user_attribute_verification_code(GetUserAttributeVerificationCodeRequest) -> GetUserAttributeVerificationCodeResponse, GetUserAttributeVerificationCodeError => self_service::get_user_attribute_verification_code;
    verify_user_attribute(VerifyUserAttributeRequest) -> VerifyUserAttributeResponse, VerifyUserAttributeError => self_service::verify_user_attribute;
    // password recovery
    // domains
    create_user_pool_domain(CreateUserPoolDomainRequest) -> CreateUserPoolDomainResponse, CreateUserPoolDomainError => domains::create_user_pool_domain;
    describe_user_pool_domain(DescribeUserPoolDomainRequest) -> DescribeUserPoolDomainResponse, DescribeUserPoolDomainError => domains::describe_user_pool_domain;
    update_user_pool_domain(UpdateUserPoolDomainRequest) -> UpdateUserPoolDomainResponse, UpdateUserPoolDomainError => domains::update_user_pool_domain;
    delete_user_pool_domain(DeleteUserPoolDomainRequest) -> DeleteUserPoolDomainResponse, DeleteUserPoolDomainError => domains::delete_user_pool_domain;
    // resource servers
    create_resource_server(CreateResourceServerRequest) -> CreateResourceServerResponse, CreateResourceServerError => resource_servers::create_resource_server;
    describe_resource_server(DescribeResourceServerRequest) -> DescribeResourceServerResponse, DescribeResourceServerError => resource_servers::describe_resource_server;
    update_resource_server(UpdateResourceServerRequest) -> UpdateResourceServerResponse, UpdateResourceServerError => resource_servers::update_resource_server;
    delete_resource_server(DeleteResourceServerRequest) -> Empty, DeleteResourceServerError => resource_servers::delete_resource_server;
    list_resource_servers(ListResourceServersRequest) -> ListResourceServersResponse, ListResourceServersError => resource_servers::list_resource_servers;
    // identity providers
    create_identity_provider(CreateIdentityProviderRequest) -> CreateIdentityProviderResponse, CreateIdentityProviderError => crate::handlers::identity_providers::create_identity_provider;
    describe_identity_provider(DescribeIdentityProviderRequest) -> DescribeIdentityProviderResponse, DescribeIdentityProviderError => crate::handlers::identity_providers::describe_identity_provider;
    update_identity_provider(UpdateIdentityProviderRequest) -> UpdateIdentityProviderResponse, UpdateIdentityProviderError => crate::handlers::identity_providers::update_identity_provider;
    delete_identity_provider(DeleteIdentityProviderRequest) -> Empty, DeleteIdentityProviderError => crate::handlers::provider_links::delete_identity_provider;
    list_identity_providers(ListIdentityProvidersRequest) -> ListIdentityProvidersResponse, ListIdentityProvidersError => crate::handlers::identity_providers::list_identity_providers;
    get_identity_provider_by_identifier(GetIdentityProviderByIdentifierRequest) -> GetIdentityProviderByIdentifierResponse, GetIdentityProviderByIdentifierError => crate::handlers::identity_providers::get_identity_provider_by_identifier;
    admin_link_provider_for_user(AdminLinkProviderForUserRequest) -> AdminLinkProviderForUserResponse, AdminLinkProviderForUserError => crate::handlers::provider_links::admin_link_provider_for_user;
    admin_disable_provider_for_user(AdminDisableProviderForUserRequest) -> AdminDisableProviderForUserResponse, AdminDisableProviderForUserError => crate::handlers::provider_links::admin_disable_provider_for_user;
    get_signing_certificate(GetSigningCertificateRequest) -> GetSigningCertificateResponse, GetSigningCertificateError => crate::handlers::signing_certificate::get_signing_certificate;
    // classic hosted UI branding
    set_ui_customization(SetUiCustomizationRequest) -> SetUiCustomizationResponse, SetUiCustomizationError => crate::handlers::ui_customization::set_ui_customization;
    get_ui_customization(GetUiCustomizationRequest) -> GetUiCustomizationResponse, GetUiCustomizationError => crate::handlers::ui_customization::get_ui_customization;
    // managed login branding
    create_managed_login_branding(CreateManagedLoginBrandingRequest) -> CreateManagedLoginBrandingResponse, CreateManagedLoginBrandingError => crate::handlers::managed_login_branding::create_managed_login_branding;
    describe_managed_login_branding(DescribeManagedLoginBrandingRequest) -> DescribeManagedLoginBrandingResponse, DescribeManagedLoginBrandingError => crate::handlers::managed_login_branding::describe_managed_login_branding;
    describe_managed_login_branding_by_client(DescribeManagedLoginBrandingByClientRequest) -> DescribeManagedLoginBrandingByClientResponse, DescribeManagedLoginBrandingByClientError => crate::handlers::managed_login_branding::describe_managed_login_branding_by_client;
    update_managed_login_branding(UpdateManagedLoginBrandingRequest) -> UpdateManagedLoginBrandingResponse, UpdateManagedLoginBrandingError => crate::handlers::managed_login_branding::update_managed_login_branding;
    delete_managed_login_branding(DeleteManagedLoginBrandingRequest) -> Empty, DeleteManagedLoginBrandingError => crate::handlers::managed_login_branding::delete_managed_login_branding;
    // terms documents
    create_terms(CreateTermsRequest) -> CreateTermsResponse, CreateTermsError => crate::handlers::terms::create_terms;
    describe_terms(DescribeTermsRequest) -> DescribeTermsResponse, DescribeTermsError => crate::handlers::terms::describe_terms;
    describe_terms_by_client(DescribeTermsByClientRequest) -> DescribeTermsByClientResponse, DescribeTermsByClientError => crate::handlers::terms::describe_terms_by_client;
    list_terms(ListTermsRequest) -> ListTermsResponse, ListTermsError => crate::handlers::terms::list_terms;
    update_terms(UpdateTermsRequest) -> UpdateTermsResponse, UpdateTermsError => crate::handlers::terms::update_terms;
    delete_terms(DeleteTermsRequest) -> Empty, DeleteTermsError => crate::handlers::terms::delete_terms;
    // tokens
    revoke_token(RevokeTokenRequest) -> RevokeTokenResponse, RevokeTokenError => crate::handlers::tokens::revoke_token;
    global_sign_out(GlobalSignOutRequest) -> GlobalSignOutResponse, GlobalSignOutError => crate::handlers::tokens::global_sign_out;
    admin_user_global_sign_out(AdminUserGlobalSignOutRequest) -> AdminUserGlobalSignOutResponse, AdminUserGlobalSignOutError => crate::handlers::tokens::admin_user_global_sign_out;
    // devices
    get_device(GetDeviceRequest) -> GetDeviceResponse, GetDeviceError => devices::get_device;
    list_devices(ListDevicesRequest) -> ListDevicesResponse, ListDevicesError => devices::list_devices;
    update_device_status(UpdateDeviceStatusRequest) -> UpdateDeviceStatusResponse, UpdateDeviceStatusError => devices::update_device_status;
    forget_device(ForgetDeviceRequest) -> Empty, ForgetDeviceError => devices::forget_device;
    admin_get_device(AdminGetDeviceRequest) -> AdminGetDeviceResponse, AdminGetDeviceError => devices::admin_get_device;
    admin_list_devices(AdminListDevicesRequest) -> AdminListDevicesResponse, AdminListDevicesError => devices::admin_list_devices;
    admin_update_device_status(AdminUpdateDeviceStatusRequest) -> AdminUpdateDeviceStatusResponse, AdminUpdateDeviceStatusError => devices::admin_update_device_status;
    admin_forget_device(AdminForgetDeviceRequest) -> Empty, AdminForgetDeviceError => devices::admin_forget_device;

    // passkeys
    start_web_authn_registration(StartWebAuthnRegistrationRequest) -> StartWebAuthnRegistrationResponse, StartWebAuthnRegistrationError => crate::handlers::passkeys::start_web_authn_registration;
    complete_web_authn_registration(CompleteWebAuthnRegistrationRequest) -> CompleteWebAuthnRegistrationResponse, CompleteWebAuthnRegistrationError => crate::handlers::passkeys::complete_web_authn_registration;
    list_web_authn_credentials(ListWebAuthnCredentialsRequest) -> ListWebAuthnCredentialsResponse, ListWebAuthnCredentialsError => crate::handlers::passkeys::list_web_authn_credentials;
    delete_web_authn_credential(DeleteWebAuthnCredentialRequest) -> DeleteWebAuthnCredentialResponse, DeleteWebAuthnCredentialError => crate::handlers::passkeys::delete_web_authn_credential;

    // user import
    get_csv_header(GetCsvHeaderRequest) -> GetCsvHeaderResponse, GetCsvHeaderError => crate::handlers::user_import::get_csv_header;
    create_user_import_job(CreateUserImportJobRequest) -> CreateUserImportJobResponse, CreateUserImportJobError => crate::handlers::user_import::create_user_import_job;
    start_user_import_job(StartUserImportJobRequest) -> StartUserImportJobResponse, StartUserImportJobError => crate::handlers::user_import::start_user_import_job;
    stop_user_import_job(StopUserImportJobRequest) -> StopUserImportJobResponse, StopUserImportJobError => crate::handlers::user_import::stop_user_import_job;
    describe_user_import_job(DescribeUserImportJobRequest) -> DescribeUserImportJobResponse, DescribeUserImportJobError => crate::handlers::user_import::describe_user_import_job;
    list_user_import_jobs(ListUserImportJobsRequest) -> ListUserImportJobsResponse, ListUserImportJobsError => crate::handlers::user_import::list_user_import_jobs;
    // user sessions
    set_user_pool_session_configuration(SetUserPoolSessionConfigurationRequest) -> SetUserPoolSessionConfigurationResponse, SetUserPoolSessionConfigurationError => crate::handlers::sessions::config::set_user_pool_session_configuration;
    get_user_pool_session_configuration(GetUserPoolSessionConfigurationRequest) -> GetUserPoolSessionConfigurationResponse, GetUserPoolSessionConfigurationError => crate::handlers::sessions::config::get_user_pool_session_configuration;
    set_user_pool_client_session_configuration(SetUserPoolClientSessionConfigurationRequest) -> SetUserPoolClientSessionConfigurationResponse, SetUserPoolClientSessionConfigurationError => crate::handlers::sessions::config::set_user_pool_client_session_configuration;
    get_user_pool_client_session_configuration(GetUserPoolClientSessionConfigurationRequest) -> GetUserPoolClientSessionConfigurationResponse, GetUserPoolClientSessionConfigurationError => crate::handlers::sessions::config::get_user_pool_client_session_configuration;
    list_user_sessions(ListUserSessionsRequest) -> ListUserSessionsResponse, ListUserSessionsError => crate::handlers::sessions::user_sessions::list_user_sessions;
    admin_list_user_sessions(AdminListUserSessionsRequest) -> AdminListUserSessionsResponse, AdminListUserSessionsError => crate::handlers::sessions::user_sessions::admin_list_user_sessions;
    revoke_user_session(RevokeUserSessionRequest) -> RevokeUserSessionResponse, RevokeUserSessionError => crate::handlers::sessions::user_sessions::revoke_user_session;
    admin_revoke_user_session(AdminRevokeUserSessionRequest) -> AdminRevokeUserSessionResponse, AdminRevokeUserSessionError => crate::handlers::sessions::user_sessions::admin_revoke_user_session;
    // point-in-time recovery
    initiate_point_in_time_recovery(InitiatePointInTimeRecoveryRequest) -> InitiatePointInTimeRecoveryResponse, InitiatePointInTimeRecoveryError => crate::handlers::pitr::initiate_point_in_time_recovery;
    describe_point_in_time_recovery(DescribePointInTimeRecoveryRequest) -> DescribePointInTimeRecoveryResponse, DescribePointInTimeRecoveryError => crate::handlers::pitr::describe_point_in_time_recovery;
    start_point_in_time_recovery(StartPointInTimeRecoveryRequest) -> StartPointInTimeRecoveryResponse, StartPointInTimeRecoveryError => crate::handlers::pitr::start_point_in_time_recovery;
    cancel_point_in_time_recovery(CancelPointInTimeRecoveryRequest) -> CancelPointInTimeRecoveryResponse, CancelPointInTimeRecoveryError => crate::handlers::pitr::cancel_point_in_time_recovery;
    list_point_in_time_recoveries(ListPointInTimeRecoveriesRequest) -> ListPointInTimeRecoveriesResponse, ListPointInTimeRecoveriesError => crate::handlers::pitr::list_point_in_time_recoveries;
    // multi-Region replicas
    create_user_pool_replica(CreateUserPoolReplicaRequest) -> CreateUserPoolReplicaResponse, CreateUserPoolReplicaError => crate::handlers::replicas::create_user_pool_replica;
    update_user_pool_replica(UpdateUserPoolReplicaRequest) -> UpdateUserPoolReplicaResponse, UpdateUserPoolReplicaError => crate::handlers::replicas::update_user_pool_replica;
    delete_user_pool_replica(DeleteUserPoolReplicaRequest) -> DeleteUserPoolReplicaResponse, DeleteUserPoolReplicaError => crate::handlers::replicas::delete_user_pool_replica;
    list_user_pool_replicas(ListUserPoolReplicasRequest) -> ListUserPoolReplicasResponse, ListUserPoolReplicasError => crate::handlers::replicas::list_user_pool_replicas;
    // provisioned limits
    get_provisioned_limit(GetProvisionedLimitRequest) -> GetProvisionedLimitResponse, GetProvisionedLimitError => crate::handlers::provisioned_limits::get_provisioned_limit;
    update_provisioned_limit(UpdateProvisionedLimitRequest) -> UpdateProvisionedLimitResponse, UpdateProvisionedLimitError => crate::handlers::provisioned_limits::update_provisioned_limit;
    // client ID metadata documents
    create_cimd_policy(CreateCimdPolicyRequest) -> CreateCimdPolicyResponse, CreateCimdPolicyError => crate::handlers::cimd::create_cimd_policy;
    describe_cimd_policy(DescribeCimdPolicyRequest) -> DescribeCimdPolicyResponse, DescribeCimdPolicyError => crate::handlers::cimd::describe_cimd_policy;
    update_cimd_policy(UpdateCimdPolicyRequest) -> UpdateCimdPolicyResponse, UpdateCimdPolicyError => crate::handlers::cimd::update_cimd_policy;
    delete_cimd_policy(DeleteCimdPolicyRequest) -> DeleteCimdPolicyResponse, DeleteCimdPolicyError => crate::handlers::cimd::delete_cimd_policy;
    list_cimd_policies(ListCimdPoliciesRequest) -> ListCimdPoliciesResponse, ListCimdPoliciesError => crate::handlers::cimd::list_cimd_policies;
    list_client_metadata_ur_ls(ListClientMetadataUrLsRequest) -> ListClientMetadataUrLsResponse, ListClientMetadataUrLsError => crate::handlers::cimd::list_client_metadata_urls;
    update_client_metadata_url_state(UpdateClientMetadataUrlStateRequest) -> UpdateClientMetadataUrlStateResponse, UpdateClientMetadataUrlStateError => crate::handlers::cimd::update_client_metadata_url_state;
    // log delivery
    set_log_delivery_configuration(SetLogDeliveryConfigurationRequest) -> SetLogDeliveryConfigurationResponse, SetLogDeliveryConfigurationError => crate::handlers::log_delivery::set_log_delivery_configuration;
    get_log_delivery_configuration(GetLogDeliveryConfigurationRequest) -> GetLogDeliveryConfigurationResponse, GetLogDeliveryConfigurationError => crate::handlers::log_delivery::get_log_delivery_configuration;
    // threat protection
    set_risk_configuration(SetRiskConfigurationRequest) -> SetRiskConfigurationResponse, SetRiskConfigurationError => crate::handlers::risk::config::set_risk_configuration;
    describe_risk_configuration(DescribeRiskConfigurationRequest) -> DescribeRiskConfigurationResponse, DescribeRiskConfigurationError => crate::handlers::risk::config::describe_risk_configuration;
    admin_list_user_auth_events(AdminListUserAuthEventsRequest) -> AdminListUserAuthEventsResponse, AdminListUserAuthEventsError => crate::handlers::events::api::admin_list_user_auth_events;
    admin_update_auth_event_feedback(AdminUpdateAuthEventFeedbackRequest) -> AdminUpdateAuthEventFeedbackResponse, AdminUpdateAuthEventFeedbackError => crate::handlers::events::api::admin_update_auth_event_feedback;
    update_auth_event_feedback(UpdateAuthEventFeedbackRequest) -> UpdateAuthEventFeedbackResponse, UpdateAuthEventFeedbackError => crate::handlers::events::api::update_auth_event_feedback;

    @with_context
    // sign-in (a device's last address)
    initiate_auth(InitiateAuthRequest) -> InitiateAuthResponse, InitiateAuthError => crate::handlers::auth::initiate_auth;
    admin_initiate_auth(AdminInitiateAuthRequest) -> AdminInitiateAuthResponse, AdminInitiateAuthError => crate::handlers::auth::admin_initiate_auth;
    respond_to_auth_challenge(RespondToAuthChallengeRequest) -> RespondToAuthChallengeResponse, RespondToAuthChallengeError => crate::handlers::auth::respond_to_auth_challenge;
    admin_respond_to_auth_challenge(AdminRespondToAuthChallengeRequest) -> AdminRespondToAuthChallengeResponse, AdminRespondToAuthChallengeError => crate::handlers::auth::admin_respond_to_auth_challenge;
    // tokens (a tracked session's device)
    get_tokens_from_refresh_token(GetTokensFromRefreshTokenRequest) -> GetTokensFromRefreshTokenResponse, GetTokensFromRefreshTokenError => crate::handlers::tokens::get_tokens_from_refresh_token;
    // sign-up and passwords (the caller's address in threat protection's events)
    sign_up(SignUpRequest) -> SignUpResponse, SignUpError => signup::sign_up_at;
    change_password(ChangePasswordRequest) -> ChangePasswordResponse, ChangePasswordError => self_service::change_password_at;
    forgot_password(ForgotPasswordRequest) -> ForgotPasswordResponse, ForgotPasswordError => recovery::forgot_password_at;
    confirm_forgot_password(ConfirmForgotPasswordRequest) -> ConfirmForgotPasswordResponse, ConfirmForgotPasswordError => recovery::confirm_forgot_password_at;
    // devices
    confirm_device(ConfirmDeviceRequest) -> ConfirmDeviceResponse, ConfirmDeviceError => devices::confirm_device;
}
