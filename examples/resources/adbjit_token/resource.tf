# A token for the authenticated service principal, handed straight to Key Vault:
# its value never reaches Terraform's plan or state.
resource "adbjit_token" "adf" {
  comment              = "adf nightly pipeline"
  lifetime_seconds     = 86400 # one day
  renew_before_seconds = 21600 # rotate when less than six hours remain

  keyvault_secret {
    vault_url    = "https://contoso-pipelines.vault.azure.net/"
    name         = "databricks-adf-token"
    content_type = "databricks-pat"
  }

  # Rotate without a gap: the new token is written to the secret before the old one is revoked.
  lifecycle {
    create_before_destroy = true
  }
}

# Without keyvault_secret the value is exported as a sensitive attribute.
resource "adbjit_token" "ci" {
  comment          = "integration tests"
  lifetime_seconds = 3600
}

output "ci_token" {
  value     = adbjit_token.ci.token_value
  sensitive = true
}
