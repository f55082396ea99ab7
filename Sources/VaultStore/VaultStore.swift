// VaultStore: placeholder until its issue lands.
