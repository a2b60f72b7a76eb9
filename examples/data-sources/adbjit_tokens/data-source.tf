# Audit: tokens of the principal that never expire.
data "adbjit_tokens" "all" {}

output "tokens_without_expiry" {
  value = [for t in data.adbjit_tokens.all.tokens : t.token_id if t.expiry_time == null]
}
