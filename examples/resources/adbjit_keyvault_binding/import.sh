# Import by versionless secret id. The import records the secret's value in state (sensitive); a
# configuration that gives the same value as value_wo instead drops it from state on the next
# apply without writing a new secret version.
terraform import adbjit_keyvault_binding.pool_id https://contoso-pipelines.vault.azure.net/secrets/databricks-etl-pool-id
