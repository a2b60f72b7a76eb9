// Schema literals for adbjit_token, adbjit_instance_pool, adbjit_keyvault_binding, the ephemeral
// adbjit_token and the adbjit_tokens data source.
#include "resources/schemas.h"

#include "provider/framework/validators.h"

namespace adbjit::resources {
namespace {

using tf::Attribute;
using tf::Block;
using tf::Nesting;
using tf::Schema;
using tf::Type;
using tf::Value;
namespace v = tf::validators;

// Databricks' pool sizes are 32-bit integers: a larger number is refused with a message that reads
// as if it were negative.
constexpr int64_t kMaxInt32 = 2147483647;

// A vault URL; azurerm_key_vault's `id` in its place gets an error naming `vault_uri`.
tf::Validator VaultUrl() {
  return v::HttpsBaseUrlOrLoopback(
      "give the vault's URI, e.g. https://my-vault.vault.azure.net/ (azurerm_key_vault's vault_uri)");
}

tf::Validator SecretName() {
  return v::StringMatches("^[0-9a-zA-Z-]{1,127}$",
                          "a Key Vault secret name: 1 to 127 letters, digits and dashes");
}

// Key Vault refuses a secret value above 25 KB (counted in bytes).
tf::Validator SecretValueSize() { return v::StringBytesAtMost(25 * 1024, "Key Vault's 25 KB"); }

Attribute Computed(std::string name, Type type, std::string description, bool keep_on_update = false) {
  return Attribute{.name = std::move(name),
                   .type = std::move(type),
                   .description = std::move(description),
                   .computed = true,
                   .use_state_for_unknown = keep_on_update};
}

Block KeyVaultSecretBlock() {
  return Block{
      .description = "Where the token value is delivered. When set, the value is written straight to this "
                     "Key Vault secret and never returned to Terraform: `token_value` stays null, so the "
                     "value is in neither the plan nor the state. Changing it forces a new token. A live secret "
                     "that adbjit never wrote, or that an `adbjit_keyvault_binding` holds, is refused before a "
                     "token is minted (its versions carry the tag `adbjit`, whose value names the token). Two tokens must not share a secret: the one whose "
                     "version came first stays as it is, with a warning, while the other's token is live. Destroy "
                     "deletes and purges the secret (a revoked token is not worth recovering; with purge "
                     "protection on the vault it stays soft-deleted, with a warning), but only while its "
                     "latest version is one this token wrote (its tag names the token), so a replacement created first "
                     "(`create_before_destroy`) keeps the secret it wrote.",
      .attributes = {
          {.name = "vault_url",
           .type = Type::String(),
           .description = "Vault URL, e.g. `https://my-vault.vault.azure.net/`. The same vault spelled "
                          "differently (trailing slash, case, `:443`) is not a change.",
           .required = true,
           .validators = {VaultUrl()}},
          {.name = "name",
           .type = Type::String(),
           .description = "Secret name: 1 to 127 letters, digits and dashes. Key Vault names ignore "
                          "case, so the same name in other capitals is not a change.",
           .required = true,
           .validators = {SecretName()}},
          {.name = "content_type",
           .type = Type::String(),
           .description = "Content type recorded on the secret, e.g. `databricks-pat` (at most 255 characters).",
           .optional = true,
           .validators = {v::StringLengthBetween(0, 255)}},
      }};
}

Schema MakeTokenSchema() {
  return Schema{
      .version = kTokenSchemaVersion,
      .block = {
          .description =
              "A Databricks personal access token (PAT) for the principal the provider authenticates as: "
              "minted on `apply`, revoked on `destroy`. Optionally sealed straight into an Azure Key Vault "
              "secret so the value never enters Terraform state. A token revoked or expired outside "
              "Terraform, or one inside `renew_before_seconds` of its expiry, is planned anew: a sealed one "
              "whose secret still holds it stays in state until it is replaced or destroyed, so that its "
              "secret goes with it. Databricks lists each principal's own tokens only: keep the provider "
              "signed in as the principal that created a token. Under another principal (a changed "
              "`azure_client_id`) the token cannot be seen or revoked: the refresh warns, naming the token "
              "and the principal that created it (recorded in the resource's private state on create, "
              "import and each refresh that finds the token), and the plan "
              "creates a new one, while the old one stays valid until it expires (a destroy leaves it, "
              "with the same warning; revoke it as its owner, or as a workspace admin through the token "
              "management API). A token whose creator was never recorded reads as revoked instead.",
          .attributes =
              {
                  Computed("id", Type::String(), "The token id (same as `token_id`).", true),
                  Computed("token_id", Type::String(), "The token id: 64 hexadecimal characters.", true),
                  {.name = "comment",
                   .type = Type::String(),
                   .description = "Comment stored with the token, shown in the workspace's token list. "
                                  "Databricks stores it with \" [adbjit:<12 hex digits>]\" after it (the marker alone, "
                                  "without the space, when there is no comment), a marker "
                                  "that lets a create whose answer was lost find and revoke its token; "
                                  "Terraform sees the comment without it (a comment that itself ends in such a "
                                  "marker is seen without it too, on import). Changing it forces a new token; "
                                  "between none and `\"\"`, which Databricks keeps alike, it is an in-place "
                                  "update of Terraform's record only.",
                   .optional = true,
                   .requires_replace = true},
                  {.name = "lifetime_seconds",
                   .type = Type::Number(),
                   .description = "Lifetime in seconds. When omitted the workspace's default and maximum "
                                  "apply, and the lifetime Databricks gave the token is recorded here (null "
                                  "for a token without expiry). Must be positive and within "
                                  "`guardrails.max_token_lifetime_seconds`. Changing it forces a new token.",
                   .optional = true,
                   .computed = true,
                   .requires_replace = true,
                   .use_state_for_unknown = true,
                   .validators = {v::IntAtLeast(1)}},
                  {.name = "renew_before_seconds",
                   .type = Type::Number(),
                   .description = "Rotation window: when the remaining lifetime at plan time is below this "
                                  "many seconds, the token is planned for replacement. With a scheduled "
                                  "`terraform apply` this rotates tokens before they expire. Keep it below "
                                  "`lifetime_seconds`: a window as long as the lifetime replaces the token on "
                                  "every plan (validation warns). A value known only after apply (from a "
                                  "resource created in the same run) replaces an existing token, with a "
                                  "warning, as the window cannot be checked at plan time.",
                   .optional = true,
                   .validators = {v::IntAtLeast(0)}},
                  {.name = "token_value",
                   .type = Type::String(),
                   .description = "The token. Null when `keyvault_secret` is set (the value goes to Key "
                                  "Vault only; the plan already shows it as null) and after import "
                                  "(Databricks never returns it again).",
                   .computed = true,
                   .sensitive = true,
                   .use_state_for_unknown = true},
                  Computed("creation_time", Type::String(), "When the token was created (RFC 3339, UTC).", true),
                  Computed("expiry_time", Type::String(),
                           "When the token expires (RFC 3339, UTC); null for a token without expiry.", true),
                  Computed("keyvault_secret_id", Type::String(),
                           "Versioned id of the Key Vault secret version that holds the token, written by "
                           "`keyvault_secret` (a refresh follows a later version the same token wrote, such "
                           "as a write that landed after its retry); null, already in the plan, for a token "
                           "without that block.",
                           true),
              },
          .block_types = {
              {.type_name = "keyvault_secret",
               .nesting = Nesting::kSingle,
               .block = KeyVaultSecretBlock(),
               .requires_replace = true},
          }}};
}

Block AzureAttributesBlock() {
  return Block{
      .description = "Azure placement of the pool's instances. Omit it to let Databricks choose "
                     "(on-demand); values Databricks fills in are not shown as changes. Changing it "
                     "forces a new pool; declaring the placement the pool already has, or dropping a "
                     "block that says only what Databricks would choose, updates the state alone.",
      .attributes = {
          {.name = "availability",
           .type = Type::String(),
           .description = "`ON_DEMAND_AZURE`, `SPOT_AZURE` or `SPOT_WITH_FALLBACK_AZURE`.",
           .optional = true,
           .computed = true,
           .use_state_for_unknown = true,  // immutable: a change replaces the pool
           .validators = {v::StringOneOf({"ON_DEMAND_AZURE", "SPOT_AZURE", "SPOT_WITH_FALLBACK_AZURE"})}},
          {.name = "spot_bid_max_price",
           .type = Type::Number(),
           .description = "Highest price for spot instances, in US dollars; `-1` means never evict on price.",
           .optional = true,
           .computed = true,
           .use_state_for_unknown = true,
           .validators = {v::PositiveOr(-1)}},
      }};
}

Block DiskSpecBlock() {
  return Block{
      .description = "Extra managed disks attached to each instance. Changing it forces a new pool; adding "
                     "or dropping an empty `disk_spec {}`, or an empty `disk_type {}` in it, only updates "
                     "the state.",
      .attributes =
          {
              {.name = "disk_count",
               .type = Type::Number(),
               .description = "Number of disks per instance.",
               .optional = true,
               .validators = {v::IntAtLeast(0)}},
              {.name = "disk_size",
               .type = Type::Number(),
               .description = "Size of each disk in GiB (1 to 1023 on Azure).",
               .optional = true,
               .validators = {v::IntBetween(1, 1023)}},
          },
      .block_types = {
          {.type_name = "disk_type",
           .nesting = Nesting::kSingle,
           .block = Block{.description = "Disk kind. Changing it forces a new pool.",
                          .attributes = {{.name = "azure_disk_volume_type",
                                          .type = Type::String(),
                                          .description = "`PREMIUM_LRS` or `STANDARD_LRS`.",
                                          .optional = true,
                                          .validators = {v::StringOneOf({"PREMIUM_LRS", "STANDARD_LRS"})}}}},
           .requires_replace = true},
      }};
}

Schema MakeInstancePoolSchema() {
  return Schema{
      .version = kInstancePoolSchemaVersion,
      .block = {
          .description =
              "A Databricks instance pool: idle instances kept warm so that a chain of jobs starts "
              "clusters in seconds. Fields the Instance Pools edit API accepts (name, idle instances, "
              "capacity, auto-termination, tags) change in place; the others force a new pool.",
          .attributes =
              {
                  Computed("id", Type::String(), "The instance pool id (same as `instance_pool_id`).", true),
                  Computed("instance_pool_id", Type::String(), "The instance pool id.", true),
                  {.name = "instance_pool_name",
                   .type = Type::String(),
                   .description = "Pool name, unique in the workspace (1 to 100 characters). With "
                                  "`create_before_destroy` a replacement needs a name of its own, since "
                                  "both pools exist for a moment.",
                   .required = true,
                   .validators = {v::StringLengthBetween(1, 100)}},
                  {.name = "node_type_id",
                   .type = Type::String(),
                   .description = "Azure VM size of the pool's instances, e.g. `Standard_DS3_v2`. Must be in "
                                  "`guardrails.allowed_node_types` when that is set. Changing it forces a "
                                  "new pool.",
                   .required = true,
                   .requires_replace = true,
                   .validators = {v::StringLengthBetween(1, 200)}},
                  {.name = "min_idle_instances",
                   .type = Type::Number(),
                   .description = "Instances kept idle and ready. Defaults to 0.",
                   .optional = true,
                   .computed = true,
                   .default_value = Value::Int(0),
                   .validators = {v::IntBetween(0, kMaxInt32)}},
                  {.name = "max_capacity",
                   .type = Type::Number(),
                   .description = "Upper bound on idle plus used instances. Must be at least "
                                  "`min_idle_instances` and within `guardrails.max_pool_capacity`.",
                   .optional = true,
                   .validators = {v::IntBetween(1, kMaxInt32)}},
                  {.name = "idle_instance_autotermination_minutes",
                   .type = Type::Number(),
                   .description = "Minutes an instance above `min_idle_instances` may stay idle before it "
                                  "is terminated (0 to 10000). Databricks' default applies when a pool is created "
                                  "without it; removing it later keeps the pool's current value.",
                   .optional = true,
                   .computed = true,
                   .use_state_for_unknown = true,
                   .validators = {v::IntBetween(0, 10000)}},
                  {.name = "custom_tags",
                   .type = Type::Map(Type::String()),
                   .description = "Tags for the pool's Azure resources (at most 45), besides the ones "
                                  "Databricks adds itself (`default_tags`), whose keys it refuses here. "
                                  "Databricks cannot remove every tag of a pool, so removing the last tag "
                                  "replaces the pool; a whole map known only at apply cannot be planned "
                                  "so, and the plan warns that an empty one would stop the apply.",
                   .optional = true,
                   .validators = {v::MapKeysNotEmpty()}},
                  {.name = "enable_elastic_disk",
                   .type = Type::Bool(),
                   .description = "Let instances grow their local disk when it fills up. Defaults to true "
                                  "(Databricks' default). Changing it forces a new pool.",
                   .optional = true,
                   .computed = true,
                   .requires_replace = true,
                   .default_value = Value::Bool(true)},
                  {.name = "preloaded_spark_versions",
                   .type = Type::List(Type::String()),
                   .description = "Databricks Runtime version preloaded on idle instances (at most one), "
                                  "e.g. `15.4.x-scala2.12`. Changing it forces a new pool.",
                   .optional = true,
                   .requires_replace = true,
                   .validators = {v::ListOfNonEmptyStrings(0)}},
                  Computed("state", Type::String(), "Pool state reported by Databricks: `ACTIVE`, `STOPPED`.", true),
                  Computed("default_tags", Type::Map(Type::String()),
                           "Tags Databricks adds to every pool resource.", true),
              },
          .block_types = {
              {.type_name = "azure_attributes",
               .nesting = Nesting::kSingle,
               .block = AzureAttributesBlock(),
               .requires_replace = true},
              {.type_name = "disk_spec",
               .nesting = Nesting::kSingle,
               .block = DiskSpecBlock(),
               .requires_replace = true},
          }}};
}

Schema MakeKeyVaultBindingSchema() {
  return Schema{
      .version = kKeyVaultBindingSchemaVersion,
      .block = {
          .description =
              "A value handed to pipelines as an Azure Key Vault secret (for example an instance pool id "
              "for Azure Data Factory). Create refuses a live secret that adbjit did not write (import it "
              "instead), or that a sealed `adbjit_token` holds: every version adbjit writes carries the tag `adbjit`, which the state does not "
              "show (a binding's names the binding: `adbjit_keyvault_binding:<writer id>`). Changes to the value, content type, dates or tags write a new "
              "secret version in place; a value changed or a secret deleted outside Terraform is "
              "detected on refresh and written back (with a warning when another adbjit resource wrote "
              "it: two resources must not share a secret). Destroy removes the secret only while its latest "
              "version is the binding's (one it wrote, even one whose update Terraform did not record), so a replacement created first (`create_before_destroy`) "
              "keeps the secret it wrote, and a secret whose latest version was written outside Terraform "
              "is left (with a warning) until an apply writes the binding's value back. A secret disabled outside Terraform stays disabled: refresh "
              "warns that its value cannot be compared, and a new value is written as a disabled version.",
          .attributes =
              {
                  Computed("id", Type::String(), "Versioned secret id: `https://<vault>/secrets/<name>/<version>`."),
                  {.name = "vault_url",
                   .type = Type::String(),
                   .description = "Vault URL, e.g. `https://my-vault.vault.azure.net/`. Changing it forces "
                                  "a new secret; the same vault spelled differently (trailing slash, case, "
                                  "`:443`) is not a change.",
                   .required = true,
                   .requires_replace = true,
                   .validators = {VaultUrl()}},
                  {.name = "name",
                   .type = Type::String(),
                   .description = "Secret name: 1 to 127 letters, digits and dashes. Changing it forces a "
                                  "new secret; the same name in other capitals is not a change (Key Vault "
                                  "names ignore case).",
                   .required = true,
                   .requires_replace = true,
                   .validators = {SecretName()}},
                  {.name = "value",
                   .type = Type::String(),
                   .description = "The secret value (stored in state, marked sensitive), at most 25 KB. "
                                  "Exactly one of `value` and `value_wo` must be set.",
                   .optional = true,
                   .sensitive = true,
                   .validators = {SecretValueSize()}},
                  {.name = "value_wo",
                   .type = Type::String(),
                   .description = "Write-only secret value (Terraform 1.11 or later, at most 25 KB): written "
                                  "to Key Vault but never stored in the plan or state, nor any digest of it. Set "
                                  "`value_wo_version` and change it to write a new value: Terraform keeps no "
                                  "trace of write-only values to compare, so a new value alone writes nothing. "
                                  "A version written outside Terraform is noticed on refresh (the latest "
                                  "version is no longer the binding's) and value_wo is written again. To hand "
                                  "an `adbjit_token` to "
                                  "pipelines, use its `keyvault_secret` block instead, which writes every new "
                                  "token (rotation, replacement) to the secret by itself.",
                   .optional = true,
                   .sensitive = true,
                   .write_only = true,
                   .validators = {SecretValueSize()}},
                  {.name = "value_wo_version",
                   .type = Type::Number(),
                   .description = "Version of `value_wo`: changing it writes `value_wo` again. Without a "
                                  "change here a new `value_wo` is not written, not even by a change of tags, "
                                  "content type or dates (their new version keeps the value written last, "
                                  "unless that version is disabled or gone: then `value_wo` is written).",
                   .optional = true},
                  {.name = "content_type",
                   .type = Type::String(),
                   .description = "Content type recorded on the secret (at most 255 characters). None and "
                                  "`\"\"` are the same (azurerm writes `\"\"` for none): a change between them is "
                                  "recorded without writing a version.",
                   .optional = true,
                   .validators = {v::StringLengthBetween(0, 255)}},
                  {.name = "expiration_date",
                   .type = Type::String(),
                   .description = "Expiry of the secret (RFC 3339), e.g. `2027-01-01T00:00:00Z`.",
                   .optional = true,
                   .validators = {v::Rfc3339()}},
                  {.name = "not_before_date",
                   .type = Type::String(),
                   .description = "Time before which the secret cannot be used (RFC 3339).",
                   .optional = true,
                   .validators = {v::Rfc3339()}},
                  {.name = "tags",
                   .type = Type::Map(Type::String()),
                   .description = "Tags on the secret (at most 14: Key Vault takes 15, and adbjit marks its "
                                  "versions with the tag `adbjit`, a key reserved here).",
                   .optional = true,
                   .validators = {v::MapKeysNotEmpty()}},
                  {.name = "purge_on_destroy",
                   .type = Type::Bool(),
                   .description = "On destroy, purge the soft-deleted secret and wait until its name is "
                                  "free again. Defaults to true. With purge protection on the vault, the "
                                  "purge is skipped with a warning.",
                   .optional = true,
                   .computed = true,
                   .default_value = Value::Bool(true)},
                  {.name = "recover_soft_deleted",
                   .type = Type::Bool(),
                   .description = "On create, recover and overwrite a soft-deleted secret of the same name "
                                  "instead of failing with a conflict. Defaults to true.",
                   .optional = true,
                   .computed = true,
                   .default_value = Value::Bool(true)},
                  Computed("version", Type::String(), "Current secret version (32 hexadecimal characters)."),
                  Computed("versionless_id", Type::String(),
                           "Secret id without version: `https://<vault>/secrets/<name>`.", true),
              }}};
}

Schema MakeEphemeralTokenSchema() {
  return Schema{
      .block = {
          .description = "A Databricks personal access token that lives for one Terraform run "
                         "(Terraform 1.10 or later): created when the run opens it, revoked when the run "
                         "ends, never written to the plan or state. Terraform opens it in every plan and "
                         "every apply, whether or not anything uses it, so a `terraform apply` makes two "
                         "(one for its plan, one for its apply). Use it to configure another provider "
                         "just in time. When a run fails or is interrupted after opening it, Terraform "
                         "does not close it; the provider then revokes it as Terraform shuts the provider "
                         "down (a revoke that fails is logged at ERROR with the token id, seen with TF_LOG; "
                         "once the workspace does not answer, or after 20 seconds, the rest are only "
                         "logged, so that Terraform's exit is not held up).",
          .attributes = {
              {.name = "comment",
               .type = Type::String(),
               .description = "Comment stored with the token (with the same \" [adbjit:…]\" marker after "
                              "it in Databricks as the resource's).",
               .optional = true},
              {.name = "lifetime_seconds",
               .type = Type::Number(),
               .description = "Lifetime in seconds; defaults to 3600. A safety net: the token is revoked "
                              "when the run ends anyway. A personal access token cannot be renewed, so give "
                              "it longer than the run takes: a provider configured with it fails once it "
                              "expires.",
               .optional = true,
               .computed = true,
               .default_value = Value::Int(3600),
               .validators = {v::IntAtLeast(1)}},
              Computed("token_id", Type::String(), "The token id."),
              {.name = "token_value",
               .type = Type::String(),
               .description = "The token.",
               .computed = true,
               .sensitive = true},
              Computed("expiry_time", Type::String(), "When the token expires (RFC 3339, UTC)."),
          }}};
}

Schema MakeTokensDataSourceSchema() {
  Type token = Type::Object({{"token_id", Type::String()},
                             {"comment", Type::String()},
                             {"creation_time", Type::String()},
                             {"expiry_time", Type::String()}});
  return Schema{
      .block = {
          .description = "The valid (unexpired, unrevoked) tokens of the principal the provider "
                         "authenticates as, for audits such as \"tokens that never expire\". When the "
                         "provider configuration depends on values known only after apply, add "
                         "`depends_on` with the resource it refers to (the workspace), so that the list "
                         "is read during apply: a data source cannot answer a plan with unknown values.",
          .attributes = {
              Computed("id", Type::String(), "Identifier of this read (the workspace host)."),
              {.name = "comment_contains",
               .type = Type::String(),
               .description = "Only tokens whose comment contains this text, matched case-sensitively "
                              "and without the \" [adbjit:…]\" marker adbjit adds to its tokens' comments.",
               .optional = true},
              Computed("tokens", Type::List(token),
                       "The tokens, oldest first: `token_id`, `comment` (\"\" when the token has none), "
                       "`creation_time` and `expiry_time` (RFC 3339, UTC; null when the token never expires). "
                       "Ephemeral `adbjit_token`s that this provider configuration has open, or is opening, "
                       "when the list is read are left out."),
          }}};
}

}  // namespace

const tf::Schema& TokenSchema() {
  static const tf::Schema* s = new tf::Schema(MakeTokenSchema());
  return *s;
}
const tf::Schema& InstancePoolSchema() {
  static const tf::Schema* s = new tf::Schema(MakeInstancePoolSchema());
  return *s;
}
const tf::Schema& KeyVaultBindingSchema() {
  static const tf::Schema* s = new tf::Schema(MakeKeyVaultBindingSchema());
  return *s;
}
const tf::Schema& EphemeralTokenSchema() {
  static const tf::Schema* s = new tf::Schema(MakeEphemeralTokenSchema());
  return *s;
}
const tf::Schema& TokensDataSourceSchema() {
  static const tf::Schema* s = new tf::Schema(MakeTokensDataSourceSchema());
  return *s;
}

}  // namespace adbjit::resources
