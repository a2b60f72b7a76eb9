# Import by versionless secret id (a versioned one, such as the binding's id, is taken only while
# it names the secret's latest version, the one a binding manages). The import records the
# secret's value in state (sensitive); a configuration that gives the same value as value_wo
# instead drops it from state on the next apply without writing a new secret version.
# Configuration that Terraform generates for an import block (terraform plan
# -generate-config-out=...) has value = null: Terraform never writes a sensitive value, so fill in
# value or value_wo before applying. A secret adbjit did not write (or one moved from another
# provider) carries no `adbjit` tag until the binding writes a version of it (any change of value,
# dates, content type or tags), so until then a replacement made first (create_before_destroy with
# -replace) is refused like any foreign secret; without create_before_destroy it is not.
terraform import adbjit_keyvault_binding.pool_id https://contoso-pipelines.vault.azure.net/secrets/databricks-etl-pool-id
