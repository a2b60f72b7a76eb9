# Taking over a secret the azurerm provider manages (Terraform >= 1.8): the same secret, no new
# version. key_vault_id becomes vault_url; name, value (or value_wo with value_wo_version),
# content_type, tags and the dates keep their names.
resource "adbjit_keyvault_binding" "legacy" {
  vault_url    = "https://contoso-pipelines.vault.azure.net/"
  name         = "databricks-legacy-token"
  value        = "dapi-example-only"
  content_type = "databricks-pat"
}

moved {
  from = azurerm_key_vault_secret.legacy
  to   = adbjit_keyvault_binding.legacy
}
