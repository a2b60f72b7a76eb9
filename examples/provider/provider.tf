terraform {
  required_providers {
    adbjit = {
      source  = "adbjit/adbjit"
      version = "~> 0.1"
    }
  }
}

# The workspace, cloud and credential arguments can also come from the environment
# (DATABRICKS_HOST, ARM_TENANT_ID, ARM_CLIENT_ID, ARM_CLIENT_SECRET, ...), which is the recommended
# way for credentials. The timeouts and guard rails are set here only.
provider "adbjit" {
  host            = "https://adb-1234567890123456.7.azuredatabricks.net"
  azure_tenant_id = "00000000-0000-0000-0000-000000000000"
  azure_client_id = "11111111-1111-1111-1111-111111111111"
  # azure_client_secret from ARM_CLIENT_SECRET

  guardrails {
    max_token_lifetime_seconds = 86400
    allowed_node_types         = ["Standard_DS3_v2", "Standard_DS4_v2"]
    max_pool_capacity          = 20
    required_pool_tags         = ["cost_center"]
  }
}
