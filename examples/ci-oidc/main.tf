# CI with OIDC: a GitHub Actions job authenticates as the service principal through a federated
# credential (ARM_USE_OIDC=true, no client secret anywhere), mints a token that lives only for this
# run, and hands it to whatever needs it in the same run. Nothing is stored in state; Terraform
# revokes the token when the run ends.
#
# Workflow: permissions { id-token: write }; env ARM_TENANT_ID, ARM_CLIENT_ID, ARM_USE_OIDC=true,
# DATABRICKS_HOST. Requires Terraform >= 1.10 for ephemeral resources.

terraform {
  required_version = ">= 1.10"
  required_providers {
    adbjit = {
      source = "adbjit/adbjit"
    }
  }
}

provider "adbjit" {
  azure_use_oidc = true
}

ephemeral "adbjit_token" "ci" {
  comment          = "ci run"
  lifetime_seconds = 1800
}

# The token is usable anywhere ephemeral values are accepted: another provider's configuration,
# a write-only attribute, or an ephemeral output. Here it is written to Key Vault for a downstream
# job without ever touching state:
variable "vault_url" {
  type = string
}

resource "adbjit_keyvault_binding" "ci_token" {
  vault_url        = var.vault_url
  name             = "ci-databricks-token"
  value_wo         = ephemeral.adbjit_token.ci.token_value
  value_wo_version = 1
}
