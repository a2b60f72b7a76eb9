# Import by token id (64 hex characters). The value of an imported token cannot be read back,
# so token_value stays null.
terraform import adbjit_token.ci 5e27ab6ae79d4d3a8e5c1f0b2a9f7d6c5e27ab6ae79d4d3a8e5c1f0b2a9f7d6c
