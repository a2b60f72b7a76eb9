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

# The token is usable wherever ephemeral values are accepted: another provider's configuration,
# a write-only attribute, a provisioner. Here a smoke test calls the workspace with it; the token is
# revoked as soon as the run ends, so nothing downstream can keep using it. timestamp() runs the
# smoke test on every apply, so every plan shows it replaced: that is its purpose. The curl call
# needs DATABRICKS_HOST as a full URL (https://adb-….azuredatabricks.net), although the provider
# also takes the bare host name.
resource "terraform_data" "smoke_test" {
  triggers_replace = timestamp()

  provisioner "local-exec" {
    command = "curl -sf -o /dev/null -H \"Authorization: Bearer $DATABRICKS_TOKEN\" \"$DATABRICKS_HOST/api/2.0/token/list\""
    environment = {
      DATABRICKS_TOKEN = ephemeral.adbjit_token.ci.token_value
    }
  }
}
