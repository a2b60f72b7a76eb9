# Import by token id (64 hex characters). The value of an imported token cannot be read back,
# so token_value stays null. Nothing links a Key Vault secret to a token either, so a token is
# imported without keyvault_secret: a configuration that declares the block plans a new token,
# written to that secret (the old one is revoked).
terraform import adbjit_token.ci 5e27ab6ae79d4d3a8e5c1f0b2a9f7d6c5e27ab6ae79d4d3a8e5c1f0b2a9f7d6c
