"""Names a library calls for us (vulture cannot see those calls): see tests/test_dead_code.py."""
# ruff: noqa
_ = object()

# Authlib: the authorization server, its grants and the code/client models of the test provider.
_.get_redirect_uri, _.get_scope, _.get_nonce, _.get_auth_time, _.get_acr, _.get_amr, _.client_metadata
_.get_default_redirect_uri, _.get_allowed_scope, _.check_redirect_uri, _.check_client_secret
_.check_endpoint_auth_method, _.check_response_type, _.check_grant_type, _.query_client, _.save_token
_.get_issuer, _.save_authorization_code, _.query_authorization_code, _.delete_authorization_code
_.authenticate_user, _.exists_nonce, _.resolve_client_private_key, _.get_client_algorithm, _.get_encode_header
_.get_client_claims, _.generate_user_info, _.get_server_jwks, _.get_algorithms
# aiosmtpd's handler, prometheus_client's collector, http.server's request handler.
_.handle_DATA, _.collect, _.version_string
