# Taking over a pool the databricks provider created (Terraform >= 1.8): the same pool, not edited
# or replaced. The arguments keep their names; write the blocks the old configuration declared.
resource "adbjit_instance_pool" "legacy" {
  instance_pool_name                    = "legacy-pool"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 1
  idle_instance_autotermination_minutes = 15
}

moved {
  from = databricks_instance_pool.legacy
  to   = adbjit_instance_pool.legacy
}
