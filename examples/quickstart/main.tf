# Quickstart: just-in-time Databricks access in one apply.
#  1. a personal access token for the service principal, sealed straight into Key Vault
#     (its value appears in neither plan nor state),
#  2. an instance pool kept warm for a chain of jobs,
#  3. the pool id handed to pipelines through a second Key Vault secret.
# `terraform destroy` revokes the token, deletes the pool and removes both secrets.
#
# The provider reads its connection settings from the environment (DATABRICKS_HOST,
# AZURE_AUTHORITY_HOST, ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET); scripts/quickstart.sh
# points them at the local emulator. Against Azure, export your own values instead.

terraform {
  required_version = ">= 1.5"
  required_providers {
    adbjit = {
      source = "adbjit/adbjit"
    }
  }
}

variable "vault_url" {
  type        = string
  description = "Key Vault that receives the token and the pool id, e.g. https://my-vault.vault.azure.net/"
}

variable "prefix" {
  type    = string
  default = "quickstart"
}

provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = 86400
    max_pool_capacity          = 10
    required_pool_tags         = ["owner"]
  }
}

resource "adbjit_token" "pipeline" {
  comment              = "${var.prefix} pipeline token"
  lifetime_seconds     = 28800
  renew_before_seconds = 3600

  keyvault_secret {
    vault_url    = var.vault_url
    name         = "${var.prefix}-databricks-token"
    content_type = "databricks-pat"
  }
}

resource "adbjit_instance_pool" "warm" {
  instance_pool_name                    = "${var.prefix}-warm-pool"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 1
  max_capacity                          = 4
  idle_instance_autotermination_minutes = 20
  custom_tags = {
    owner = "platform-team"
  }
}

resource "adbjit_keyvault_binding" "pool_id" {
  vault_url    = var.vault_url
  name         = "${var.prefix}-pool-id"
  value        = adbjit_instance_pool.warm.instance_pool_id
  content_type = "text/plain"
}

output "token_id" {
  value = adbjit_token.pipeline.token_id
}

output "token_expires" {
  value = adbjit_token.pipeline.expiry_time
}

output "token_secret_id" {
  description = "Key Vault secret holding the token (the value itself never reaches Terraform)."
  value       = adbjit_token.pipeline.keyvault_secret_id
}

output "pool_id" {
  value = adbjit_instance_pool.warm.instance_pool_id
}

output "pool_id_secret" {
  value = adbjit_keyvault_binding.pool_id.versionless_id
}
