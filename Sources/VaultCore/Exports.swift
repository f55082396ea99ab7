// The plain records and storage protocols are part of the core's API (the CLI lists organisations, reports
// store errors): re-exported so front ends import one module; so is the shared vocabulary (typed ids, enums).
@_exported import VaultStorage
@_exported import VaultModel
