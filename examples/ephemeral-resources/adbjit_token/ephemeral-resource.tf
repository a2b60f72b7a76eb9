# A token that exists only while this Terraform run does (Terraform >= 1.10): minted in every plan
# and every apply, whether or not anything uses it, revoked when that plan or apply ends, never
# written to state or plan.
ephemeral "adbjit_token" "run" {
  comment          = "terraform run ${terraform.workspace}"
  lifetime_seconds = 3600
}

# For example, configure another provider with it:
# provider "databricks" {
#   host  = "https://adb-1234567890123456.7.azuredatabricks.net"
#   token = ephemeral.adbjit_token.run.token_value
# }
