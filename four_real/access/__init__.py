"""Access: tokens, roles and scopes, scope predicates as SQL filters, and masking of personal numbers."""

from four_real.access.masking import mask_card, mask_id, mask_phone, mask_text
from four_real.access.roles import SECTORS, Principal, Role
from four_real.access.scopes import NotVisible, OutOfScope, check_filters, may_upload, project_filter, unmasked_for
from four_real.access.tokens import IssuedToken, ScopeError, authenticate, create_token, list_tokens, revoke_token

__all__ = [
    "SECTORS", "IssuedToken", "NotVisible", "OutOfScope", "Principal", "Role", "ScopeError", "authenticate",
    "check_filters", "create_token", "list_tokens", "mask_card", "mask_id", "mask_phone", "mask_text",
    "may_upload", "project_filter", "revoke_token", "unmasked_for",
]
