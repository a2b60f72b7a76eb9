# A pool kept warm for a chain of jobs: instances stay idle between jobs for 30 minutes.
resource "adbjit_instance_pool" "etl" {
  instance_pool_name                    = "etl-warm-pool"
  node_type_id                          = "Standard_DS3_v2"
  min_idle_instances                    = 1
  max_capacity                          = 10
  idle_instance_autotermination_minutes = 30
  preloaded_spark_versions              = ["15.4.x-scala2.12"]

  custom_tags = {
    cost_center = "data-platform"
  }

  azure_attributes {
    availability       = "SPOT_WITH_FALLBACK_AZURE"
    spot_bid_max_price = -1
  }

  disk_spec {
    disk_count = 1
    disk_size  = 128
    disk_type {
      azure_disk_volume_type = "PREMIUM_LRS"
    }
  }
}
