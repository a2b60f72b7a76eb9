# Taking over a token the databricks provider created (Terraform >= 1.8): the same token, nothing
# revoked or minted. Replace the databricks_token block with this one (same comment and
# lifetime_seconds) and keep the moved block until every state that held the old address is applied.
resource "adbjit_token" "legacy" {
  comment          = "adf nightly pipeline"
  lifetime_seconds = 86400
}

moved {
  from = databricks_token.legacy
  to   = adbjit_token.legacy
}
