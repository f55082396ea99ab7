// VaultCrypto: placeholder
