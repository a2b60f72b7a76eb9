# Hand a pool id to Azure Data Factory through Key Vault (usually
# adbjit_instance_pool.<name>.instance_pool_id).
resource "adbjit_keyvault_binding" "pool_id" {
  vault_url    = "https://contoso-pipelines.vault.azure.net/"
  name         = "databricks-etl-pool-id"
  value        = "0521-145002-meet10-pool-EP6iFpfl"
  content_type = "text/plain"
  tags = {
    owner = "platform"
  }
}

# A write-only value (Terraform >= 1.11): never stored in plan or state.
# Bump value_wo_version to write a new value.
resource "adbjit_keyvault_binding" "api_key" {
  vault_url        = "https://contoso-pipelines.vault.azure.net/"
  name             = "partner-api-key"
  value_wo         = var.partner_api_key
  value_wo_version = 1
  expiration_date  = "2030-01-01T00:00:00Z"
}

variable "partner_api_key" {
  type      = string
  sensitive = true
  ephemeral = true
}
