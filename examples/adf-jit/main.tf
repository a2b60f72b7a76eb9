# Azure Data Factory just-in-time pattern: each pipeline gets its own short-lived token in Key Vault,
# rotated on every scheduled `terraform apply` once less than renew_before_seconds remain, and a
# warm pool shared by the pipeline's chained jobs. ADF's Databricks linked service reads the token
# through a Key Vault reference; the instance pool id is bound the same way.

terraform {
  required_version = ">= 1.5"
  required_providers {
    adbjit = {
      source = "adbjit/adbjit"
    }
  }
}

variable "vault_url" {
  type = string
}

variable "pipelines" {
  type        = set(string)
  description = "Pipeline names; each gets a token secret <name>-databricks-token."
  default     = ["ingest", "curate"]
}

provider "adbjit" {
  guardrails {
    max_token_lifetime_seconds = 172800
    allowed_node_types         = ["Standard_DS3_v2", "Standard_DS4_v2"]
    max_pool_capacity          = 20
    required_pool_tags         = ["pipeline_group"]
  }
}

resource "adbjit_token" "pipeline" {
  for_each             = var.pipelines
  comment              = "adf ${each.key}"
  lifetime_seconds     = 172800 # two days: survives one missed daily apply
  renew_before_seconds = 86400  # the daily apply rotates it

  keyvault_secret {
    vault_url    = var.vault_url
    name         = "${each.key}-databricks-token"
    content_type = "databricks-pat"
  }

  lifecycle {
    create_before_destroy = true # the new token is in Key Vault before the old one is revoked
  }
}

resource "adbjit_instance_pool" "chain" {
  instance_pool_name                    = "adf-chain"
  node_type_id                          = "Standard_DS4_v2"
  min_idle_instances                    = 2
  max_capacity                          = 16
  idle_instance_autotermination_minutes = 15
  custom_tags = {
    pipeline_group = "adf"
  }
}

resource "adbjit_keyvault_binding" "pool" {
  vault_url = var.vault_url
  name      = "adf-chain-pool-id"
  value     = adbjit_instance_pool.chain.instance_pool_id
}
