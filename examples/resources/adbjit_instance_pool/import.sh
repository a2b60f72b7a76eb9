# Import by instance pool id.
terraform import adbjit_instance_pool.etl 0521-145002-meet10-pool-EP6iFpfl
