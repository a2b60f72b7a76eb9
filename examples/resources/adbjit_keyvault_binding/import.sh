# Import by versionless secret id.
terraform import adbjit_keyvault_binding.pool_id https://contoso-pipelines.vault.azure.net/secrets/databricks-etl-pool-id
